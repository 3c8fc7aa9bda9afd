// What a user of a narrow window would notice, measured in the page: one sentence per problem.
// tests/e2e/test_small_screens.py calls it with the width the window must have.
(width) => {
  const problems = [];
  const vw = window.innerWidth;
  const body = document.body;
  if (vw !== width) problems.push(`the window is ${vw} px wide instead of ${width}`);

  const describe = (el) => {
    const text = (el.getAttribute("aria-label") || el.textContent || el.value || "").replace(/\s+/g, " ").trim();
    const names = typeof el.className === "string" ? el.className.trim().split(/\s+/).filter(Boolean) : [];
    return `<${el.tagName.toLowerCase()}${names.map((n) => "." + n).join("")}> "${text.slice(0, 60)}"`;
  };
  // Shown to the eye: 1 px boxes (and what they clip) are for screen readers only (.visually-hidden).
  const tiny = (el) => {
    const r = el.getBoundingClientRect();
    return r.width <= 1 || r.height <= 1;
  };
  const shown = (el) => {
    if (!el.checkVisibility({ visibilityProperty: true }) || tiny(el)) return false;
    for (let a = el.parentElement; a; a = a.parentElement) {
      if (tiny(a) && getComputedStyle(a).overflow !== "visible") return false;
    }
    return true;
  };
  const all = [...body.querySelectorAll("*")].filter(shown);
  const sticksOut = (el) => {
    const r = el.getBoundingClientRect();
    return r.left < -0.5 || r.right > vw + 0.5;
  };

  // The page never scrolls sideways; name the outermost elements that are too wide.
  for (const [name, el] of [["the page", document.documentElement], ["the body", body]]) {
    if (el.scrollWidth > vw) {
      const wide = all.filter(sticksOut);
      const outermost = wide.filter((e) => !wide.includes(e.parentElement)).slice(0, 4);
      const culprits = outermost.length ? outermost.map(describe).join(", ") : "text (below)";
      problems.push(`${name} is ${el.scrollWidth} px wide and scrolls sideways; too wide: ${culprits}`);
    }
  }

  // Every control lies inside the window and inside whatever clips its content.
  const overlay = (el) => el.closest('[role="menu"], [role="listbox"], [role="dialog"], .bell-panel');
  const overlayOpen = all.some((el) => overlay(el) === el);
  const interactive = all.filter((el) =>
    el.matches(
      'a[href], button, input, select, textarea, summary, [role="menuitem"], [role="option"], ' +
        '[tabindex]:not([tabindex="-1"])',
    ),
  );
  const clippers = (el) => {
    const found = [];
    for (let a = el.parentElement; a && a !== body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible") found.push(a);
    }
    return found;
  };
  for (const el of interactive) {
    const r = el.getBoundingClientRect();
    if (sticksOut(el)) {
      problems.push(`${describe(el)} is cut off: it spans ${Math.round(r.left)} to ${Math.round(r.right)} px`);
    }
    const clipper = clippers(el).find((a) => {
      const c = a.getBoundingClientRect();
      return r.left < c.left - 0.5 || r.right > c.right + 0.5;
    });
    if (clipper) problems.push(`${describe(el)} is cut off by ${describe(clipper)}`);
  }

  // No box hides or scrolls part of its content sideways (a field's own text may scroll inside it).
  for (const el of all) {
    const clips = getComputedStyle(el).overflowX !== "visible";
    if (clips && !el.matches("input, select, textarea") && el.scrollWidth > el.clientWidth + 1) {
      problems.push(`${describe(el)} hides or scrolls ${el.scrollWidth - el.clientWidth} px of its content sideways`);
    }
  }

  // Controls do not overlap one another (an open menu, list or dialog lies over the page on purpose).
  const overlapping = (a, b) => {
    const r = a.getBoundingClientRect();
    const s = b.getBoundingClientRect();
    const across = Math.min(r.right, s.right) - Math.max(r.left, s.left);
    const down = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
    return across > 1 && down > 1;
  };
  for (let i = 0; i < interactive.length; i++) {
    for (let j = i + 1; j < interactive.length; j++) {
      const a = interactive[i];
      const b = interactive[j];
      if (a.contains(b) || b.contains(a) || Boolean(overlay(a)) !== Boolean(overlay(b))) continue;
      if (overlapping(a, b)) problems.push(`${describe(a)} and ${describe(b)} overlap`);
    }
  }

  // Controls read (and take the focus) in the order they are seen: on a phone's single column each one comes
  // below the one before it or further right on the same row, never above it or to its left.
  const inFlow = interactive.filter((el) => !overlay(el));
  for (let i = 1; i < inFlow.length; i++) {
    const a = inFlow[i - 1].getBoundingClientRect();
    const b = inFlow[i].getBoundingClientRect();
    const sameRow = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    if (b.bottom <= a.top + 1 || (sameRow && b.right <= a.left + 1)) {
      problems.push(`${describe(inFlow[i])} comes after ${describe(inFlow[i - 1])} but is shown before it`);
    }
  }

  // Text is readable: none of it lies outside the window, and text placed out of the flow (absolutely) does not
  // lie over other text. Measured on the text itself, which may overflow its box.
  const textRect = (el) => {
    const range = document.createRange();
    const rects = [...el.childNodes]
      .filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim())
      .map((n) => {
        range.selectNodeContents(n);
        return range.getBoundingClientRect();
      });
    if (rects.length === 0) return null;
    const left = Math.min(...rects.map((r) => r.left));
    const right = Math.max(...rects.map((r) => r.right));
    const top = Math.min(...rects.map((r) => r.top));
    const bottom = Math.max(...rects.map((r) => r.bottom));
    return { left, right, top, bottom };
  };
  const texts = all.map((el) => ({ el, r: textRect(el) })).filter((t) => t.r);
  for (const { el, r } of texts) {
    if (r.left < -0.5 || r.right > vw + 0.5) problems.push(`the text of ${describe(el)} is cut off by the window`);
  }
  const crossing = (r, s) =>
    Math.min(r.right, s.right) - Math.max(r.left, s.left) > 1 && Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top) > 1;
  const placed = texts.filter(({ el }) => getComputedStyle(el).position === "absolute" && !overlay(el));
  for (const t of placed) {
    for (const other of texts) {
      // Two placed texts are one pair, told once.
      if (other.el === t.el || overlay(other.el) || (placed.includes(other) && texts.indexOf(other) < texts.indexOf(t))) {
        continue;
      }
      if (crossing(t.r, other.r)) problems.push(`${describe(t.el)} lies over ${describe(other.el)}`);
    }
  }

  // Nothing covers a control: in the middle of its first line a click reaches it.
  const scrolled = window.scrollY;
  for (const el of interactive.filter((e) => !overlayOpen || overlay(e))) {
    el.scrollIntoView({ block: "center", inline: "nearest" });
    const r = el.getClientRects()[0];
    const hit = r && document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (hit && !el.contains(hit) && hit.control !== el) problems.push(`${describe(el)} is covered by ${describe(hit)}`);
  }
  window.scrollTo(0, scrolled);
  return [...new Set(problems)];
}
