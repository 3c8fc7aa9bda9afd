/**
 * "Test connections" (admins and support): start a bulk test of the filter shown, follow its progress (it runs in
 * background jobs, so a reload finds it again), cancel it, and read its results or download them as CSV.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef, useState } from "react";
import { ApiError, type Schemas } from "../../api/client";
import {
  bulkTestQuery,
  cancelBulkTest,
  currentBulkTestQuery,
  healthKeys,
  keys,
  startBulkTest,
  statusCountsQuery,
  type Region,
  type StatusFilter,
} from "../../api/queries";
import { ConfirmDialog } from "../../components/Dialog";
import { ErrorBox, Loading } from "../../components/QueryState";
import { formatCount, formatDateTime } from "../../lib/format";
import { BulkTestResults } from "./BulkTestResults";
import {
  connectionsCounted,
  countOf,
  isFiltered,
  plural,
  sweepFilter,
  testedText,
  type Sweep,
} from "./sweep";

type Run = Schemas["BulkTestView"];

export function BulkTestPanel({ sweep }: { sweep: Sweep }) {
  const queryClient = useQueryClient();
  const current = useQuery(currentBulkTestQuery);
  const runId = current.data?.id;
  const followed = useQuery({ ...bulkTestQuery(runId ?? 0), enabled: runId != null });
  const run = runId == null ? null : (followed.data ?? current.data ?? null);

  const start = useMutation({
    mutationFn: startBulkTest,
    onSuccess: (started) => {
      queryClient.setQueryData(healthKeys.bulkTest(started.id), started);
      queryClient.setQueryData(healthKeys.currentBulkTest, started);
    },
  });
  const follow = () => {
    start.reset();
    void queryClient.invalidateQueries({ queryKey: healthKeys.currentBulkTest });
  };
  useRefreshWhenEnded(run);

  return (
    <section className="panel bulk-test" aria-labelledby="bulk-test-title">
      <h2 id="bulk-test-title">Test connections</h2>
      <StartButton sweep={sweep} busy={start.isPending || run?.state === "running"} onStart={start.mutate} />
      {start.isError && <StartError error={start.error} onFollow={follow} />}
      {current.isPending ? (
        <Loading what="the latest bulk test" />
      ) : current.isError ? (
        <ErrorBox
          title="The latest bulk test could not be loaded."
          error={current.error}
          onRetry={() => void current.refetch()}
        />
      ) : run ? (
        <RunView run={run} />
      ) : (
        <p className="muted">No bulk test has run on your companies yet.</p>
      )}
    </section>
  );
}

/** When a run ends, the statuses it learnt show in the counts, the tree and the lists. */
function useRefreshWhenEnded(run: Run | null) {
  const queryClient = useQueryClient();
  const seen = useRef<{ id: number; state: string } | null>(null);
  useEffect(() => {
    if (!run) return;
    const before = seen.current;
    seen.current = { id: run.id, state: run.state };
    if (before?.id === run.id && before.state === "running" && run.state !== "running") {
      void queryClient.invalidateQueries({ queryKey: keys.allCompanies });
      void queryClient.invalidateQueries({ queryKey: keys.notifications });
    }
  }, [run, queryClient]);
}

function StartButton({
  sweep,
  busy,
  onStart,
}: {
  sweep: Sweep;
  busy: boolean;
  onStart: (target: { status?: StatusFilter; region?: Region }) => void;
}) {
  const counts = useQuery(statusCountsQuery(sweep.region));
  const filter = sweepFilter(sweep.key);
  const filtered = isFiltered(sweep);
  let label = "Test all connections";
  let count: number | undefined;
  let note: string | undefined;
  if (filtered && counts.data) {
    if (filter?.key === "new-token") {
      count = counts.data.reauthorization_required ?? 0;
      label = `Test the ${plural(count, "connection that needs", "connections that need")} re-authorization`;
      const expired = counts.data.expired ?? 0;
      if (expired > 0)
        note =
          expired === 1
            ? "The 1 expired authorization is not tested: it needs a new token whatever a test finds."
            : `The ${formatCount(expired)} expired authorizations are not tested: they need a new token whatever a test finds.`;
    } else {
      count = filter ? countOf(filter, counts.data) : connectionsCounted(counts.data);
      label =
        count === 1
          ? "Test the 1 connection in this filter"
          : `Test all ${formatCount(count)} connections in this filter`;
    }
  }
  return (
    <div className="bulk-start">
      <button
        type="button"
        className="primary"
        disabled={busy || (filtered && !counts.data) || count === 0}
        onClick={() => onStart({ status: filter?.tested, region: sweep.region })}
      >
        {label}
      </button>
      <span className="hint">
        {busy
          ? "One bulk test at a time: this one runs until it ends or is cancelled."
          : "Runs in the background within Amazon's limits (about one test a minute per seller account)."}
      </span>
      {note && <p className="hint">{note}</p>}
    </div>
  );
}

function StartError({ error, onFollow }: { error: unknown; onFollow: () => void }) {
  const running = error instanceof ApiError && error.code === "bulk_test_running";
  return (
    <div className="error-box" role="alert">
      <span>{error instanceof Error ? error.message : "The bulk test could not be started."}</span>
      {running && (
        <button type="button" className="link-button" onClick={onFollow}>
          Follow the running test
        </button>
      )}
    </div>
  );
}

function RunView({ run }: { run: Run }) {
  const what = testedText(run.statusFilter, run.regionFilter);
  return (
    <div className="bulk-run">
      <h3>
        Bulk test #{run.id}: {what}
      </h3>
      <p className="muted small-text">
        Started by {run.startedBy} on <time dateTime={run.createdAt}>{formatDateTime(run.createdAt)}</time>
      </p>
      {run.state === "running" ? (
        <Progress run={run} />
      ) : (
        <>
          <p role="status" className="bulk-summary">
            {endText(run)}
          </p>
          {run.total > 0 && <BulkTestResults run={run} />}
        </>
      )}
    </div>
  );
}

function progressText(run: Run): string {
  return `Tested ${formatCount(run.tested)} of ${formatCount(run.total)} · ${plural(run.failures, "failure", "failures")} so far`;
}

function endText(run: Run): string {
  const when = formatDateTime(run.finishedAt);
  if (run.state === "cancelled") {
    return `Cancelled${run.cancelledBy ? ` by ${run.cancelledBy}` : ""} on ${when} after testing ${formatCount(run.tested)} of ${formatCount(run.total)}: ${plural(run.failures, "failure", "failures")}.`;
  }
  if (run.total === 0) return `Finished on ${when}: no connection was in the filter.`;
  return `Finished on ${when}: ${formatCount(run.tested)} tested, ${plural(run.failures, "needs", "need")} attention.`;
}

function Progress({ run }: { run: Run }) {
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation({
    mutationFn: () => cancelBulkTest(run.id),
    onSuccess: (cancelled) => {
      setConfirming(false);
      queryClient.setQueryData(healthKeys.bulkTest(cancelled.id), cancelled);
      queryClient.setQueryData(healthKeys.currentBulkTest, cancelled);
    },
    onError: (error) => {
      setConfirming(false);
      // It ended meanwhile: show how.
      if (error instanceof ApiError && error.status === 422)
        void queryClient.invalidateQueries({ queryKey: healthKeys.bulkTest(run.id) });
    },
  });
  const text = progressText(run);
  const share = run.total > 0 ? (run.tested / run.total) * 100 : 0;
  return (
    <>
      <div
        className="progress"
        role="progressbar"
        aria-label={`Bulk test #${run.id}`}
        aria-valuemin={0}
        aria-valuemax={run.total}
        aria-valuenow={run.tested}
        aria-valuetext={text}
      >
        <span className="progress-fill" style={{ width: `${share}%` }} />
      </div>
      <div className="bulk-progress">
        <span>{text}</span>
        <button type="button" onClick={() => setConfirming(true)} disabled={cancel.isPending}>
          Cancel
        </button>
      </div>
      {cancel.isError && <ErrorBox error={cancel.error} />}
      {confirming && (
        <ConfirmDialog
          title="Cancel the bulk test?"
          confirmLabel="Cancel the test"
          cancelLabel="Keep testing"
          danger
          busy={cancel.isPending}
          onConfirm={() => cancel.mutate()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            What is tested so far stays in the results; the other{" "}
            {plural(run.total - run.tested, "connection is", "connections are")} not tested.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
