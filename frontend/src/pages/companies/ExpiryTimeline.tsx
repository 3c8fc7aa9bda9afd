/** Authorizations expiring per week over the next 12 weeks; a bar is a button listing its companies below. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";
import { timelineQuery } from "../../api/queries";
import { Empty, ErrorBox, Loading } from "../../components/QueryState";
import { daysText, formatDate } from "../../lib/format";

/** The room under the bars for their dates (the bars' bottom padding in styles.css). */
const TIMELINE_LABEL_SPACE = "1.4rem";

function countText(count: number): string {
  return `${count} ${count === 1 ? "authorization" : "authorizations"} expiring`;
}

export function ExpiryTimeline() {
  const timeline = useQuery(timelineQuery);
  const [selected, setSelected] = useState<number | null>(null);

  let content;
  if (timeline.isPending) content = <Loading what="the expiry timeline" />;
  else if (timeline.isError)
    content = <ErrorBox error={timeline.error} onRetry={() => void timeline.refetch()} />;
  else {
    const weeks = timeline.data.weeks;
    const max = Math.max(1, ...weeks.map((w) => w.connections.length));
    const total = weeks.reduce((sum, w) => sum + w.connections.length, 0);
    const week = selected == null ? undefined : weeks[selected];
    content = (
      <>
        <div className="timeline-bars">
          {weeks.map((w, index) => {
            const count = w.connections.length;
            const label = `Week of ${formatDate(w.start)}: ${countText(count)}`;
            const height = count ? Math.max(8, (count / max) * 100) : 2;
            return (
              // The count stands above its bar but outside the button: visible text inside a button must be part
              // of its name, in the same order (WCAG 2.5.3), and "1 … 14 Dec" is not how "Week of 14 Dec" reads.
              <div key={w.start} className="timeline-slot">
                <button
                  type="button"
                  className={`timeline-bar${selected === index ? " selected" : ""}${count ? "" : " zero"}`}
                  aria-label={label}
                  aria-pressed={selected === index}
                  title={label}
                  onClick={() => setSelected(selected === index ? null : index)}
                >
                  <span className="timeline-fill" aria-hidden="true" style={{ height: `${height}%` }} />
                  <span className="timeline-label" aria-hidden="true">
                    {formatDate(w.start).replace(/ \d{4}$/, "")}
                  </span>
                </button>
                {count > 0 && (
                  <span
                    className="timeline-count"
                    aria-hidden="true"
                    style={{
                      bottom: `calc(${TIMELINE_LABEL_SPACE} + (100% - ${TIMELINE_LABEL_SPACE}) * ${height / 100})`,
                    }}
                  >
                    {count}
                  </span>
                )}
              </div>
            );
          })}
        </div>
        {total === 0 && <Empty>No authorizations expire in the next 12 weeks.</Empty>}
        {week && (
          <div className="timeline-detail" aria-live="polite">
            <h3>
              Week of {formatDate(week.start)} – {formatDate(week.end)}: {countText(week.connections.length)}
            </h3>
            {week.connections.length === 0 ? (
              <Empty>Nothing expires this week.</Empty>
            ) : (
              <ul>
                {week.connections.map((c) => (
                  <li key={`${c.companyId}-${c.region}`}>
                    <Link to={`/companies/${c.companyId}/amazon`}>{c.companyCode}</Link> {c.companyName} —{" "}
                    {c.region}, expires {formatDate(c.authorizationExpiresAt)} ({daysText(c.daysLeft)})
                    {c.unifiedMembers.length > 0 && (
                      <span className="muted"> · also used by {c.unifiedMembers.join(", ")}</span>
                    )}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </>
    );
  }
  return (
    <section className="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">Authorizations expiring in the next 12 weeks</h2>
      {content}
    </section>
  );
}
