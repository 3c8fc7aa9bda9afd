import { useTranslation } from "react-i18next";
import { formatCount } from "../lib/format";

/**
 * "11–20 of 57" with Newer/Older buttons, for lists the server pages newest first; lists in another order name
 * their buttons (`previousLabel`, `nextLabel`), and a page with several lists names each pager (`label`).
 */
type Props = {
  offset: number;
  shown: number;
  total: number;
  pageSize: number;
  onOffset: (offset: number) => void;
  previousLabel?: string;
  nextLabel?: string;
  label?: string;
};

export function Pager({ offset, shown, total, pageSize, onOffset, previousLabel, nextLabel, label }: Props) {
  const { t } = useTranslation();
  const last = Math.min(offset + shown, total);
  return (
    <div className="pager" role={label ? "group" : undefined} aria-label={label}>
      <span>
        {t("pager.range", {
          first: formatCount(offset + 1),
          last: formatCount(last),
          total: formatCount(total),
        })}
      </span>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
        {previousLabel ?? t("pager.newer")}
      </button>
      <button type="button" disabled={last >= total} onClick={() => onOffset(offset + pageSize)}>
        {nextLabel ?? t("pager.older")}
      </button>
    </div>
  );
}
