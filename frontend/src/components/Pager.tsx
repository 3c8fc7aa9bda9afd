/** "11–20 of 57" with Newer/Older buttons, for lists the server pages newest first. */
type Props = {
  offset: number;
  shown: number;
  total: number;
  pageSize: number;
  onOffset: (offset: number) => void;
};

export function Pager({ offset, shown, total, pageSize, onOffset }: Props) {
  const last = Math.min(offset + shown, total);
  return (
    <div className="pager">
      <span>
        {offset + 1}–{last} of {total}
      </span>
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
        Newer
      </button>
      <button type="button" disabled={last >= total} onClick={() => onOffset(offset + pageSize)}>
        Older
      </button>
    </div>
  );
}
