/** Leaving the page for another site; a module of its own so that tests can watch it. */
export function leaveTo(url: string): void {
  window.location.assign(url);
}
