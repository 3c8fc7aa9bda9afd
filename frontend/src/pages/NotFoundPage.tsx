/** Any path the app does not know. */
import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <div className="not-found">
      <h1>Not found</h1>
      <p>There is no page at this address.</p>
      <p>
        <Link to="/companies">Go to the companies</Link>
      </p>
    </div>
  );
}
