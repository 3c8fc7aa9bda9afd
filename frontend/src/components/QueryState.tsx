/** Loading, error and empty states, the same everywhere. */
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, errorMessage } from "../api/client";

/** `text` says what is loading, in full: "Loading the settings…". */
export function Loading({ text }: { text: string }) {
  return (
    <p className="loading" aria-busy="true">
      {text}
    </p>
  );
}

export function ErrorBox({
  error,
  onRetry,
  title,
}: {
  error: unknown;
  onRetry?: () => void;
  title?: string;
}) {
  const { t } = useTranslation();
  const forbidden = error instanceof ApiError && error.status === 403;
  return (
    <div className="error-box" role="alert">
      {title && <strong>{title} </strong>}
      <span>{errorMessage(error)}</span>
      {onRetry && !forbidden && (
        <button type="button" className="link-button" onClick={onRetry}>
          {t("common.tryAgain")}
        </button>
      )}
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
