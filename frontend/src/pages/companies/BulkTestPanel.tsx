/**
 * "Test connections" (admins and support): start a bulk test of the filter shown, follow its progress (it runs in
 * background jobs, so a reload finds it again), cancel it, and read its results or download them as CSV.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import i18n from "i18next";
import { useEffect, useRef, useState } from "react";
import { Trans, useTranslation } from "react-i18next";
import { ApiError, type Schemas } from "../../api/client";
import type { Region } from "../../api/companies";
import {
  bulkTestQuery,
  currentBulkTestQuery,
  statusCountsQuery,
  useCancelBulkTest,
  useStartBulkTest,
  type StatusFilter,
} from "../../api/health";
import { invalidate } from "../../api/keys";
import { ConfirmDialog } from "../../components/Dialog";
import { ErrorBox, Loading } from "../../components/QueryState";
import { formatCount, formatDateTime } from "../../lib/format";
import { BulkTestResults } from "./BulkTestResults";
import { connectionsCounted, countOf, isFiltered, sweepFilter, testedText, type Sweep } from "./sweep";

type Run = Schemas["BulkTestView"];

export function BulkTestPanel({ sweep }: { sweep: Sweep }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const current = useQuery(currentBulkTestQuery);
  const runId = current.data?.id;
  const followed = useQuery({ ...bulkTestQuery(runId ?? 0), enabled: runId != null });
  const run = runId == null ? null : (followed.data ?? current.data ?? null);

  const start = useStartBulkTest();
  const follow = () => {
    start.reset();
    void invalidate.currentBulkTest(queryClient);
  };
  useRefreshWhenEnded(run);

  return (
    <section className="panel bulk-test" aria-labelledby="bulk-test-title">
      <h2 id="bulk-test-title">{t("bulk.title")}</h2>
      <StartButton sweep={sweep} busy={start.isPending || run?.state === "running"} onStart={start.mutate} />
      {start.isError && <StartError error={start.error} onFollow={follow} />}
      {current.isPending ? (
        <Loading text={t("bulk.loading")} />
      ) : current.isError ? (
        <ErrorBox title={t("bulk.notLoaded")} error={current.error} onRetry={() => void current.refetch()} />
      ) : run ? (
        <RunView run={run} />
      ) : (
        <p className="muted">{t("bulk.none")}</p>
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
      void invalidate.companies(queryClient);
      void invalidate.notifications(queryClient);
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
  const { t } = useTranslation();
  const counts = useQuery(statusCountsQuery(sweep.region));
  const filter = sweepFilter(sweep.key);
  const filtered = isFiltered(sweep);
  let label = t("bulk.testAll");
  let count: number | undefined;
  let note: string | undefined;
  if (filtered && counts.data) {
    if (filter?.key === "new-token") {
      count = counts.data.reauthorization_required ?? 0;
      label = t("bulk.testReauthorization", { count });
      const expired = counts.data.expired ?? 0;
      if (expired > 0) note = t("bulk.expiredNotTested", { count: expired });
    } else {
      count = filter ? countOf(filter, counts.data) : connectionsCounted(counts.data);
      label = t("bulk.testFilter", { count });
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
      <span className="hint">{busy ? t("bulk.oneAtATime") : t("bulk.inBackground")}</span>
      {note && <p className="hint">{note}</p>}
    </div>
  );
}

function StartError({ error, onFollow }: { error: unknown; onFollow: () => void }) {
  const { t } = useTranslation();
  const running = error instanceof ApiError && error.code === "bulk_test_running";
  return (
    <div className="error-box" role="alert">
      <span>{error instanceof Error ? error.message : t("bulk.notStarted")}</span>
      {running && (
        <button type="button" className="link-button" onClick={onFollow}>
          {t("bulk.follow")}
        </button>
      )}
    </div>
  );
}

function RunView({ run }: { run: Run }) {
  const { t } = useTranslation();
  const what = testedText(run.statusFilter, run.regionFilter);
  return (
    <div className="bulk-run">
      <h3>{t("bulk.run", { id: run.id, what })}</h3>
      <p className="muted small-text">
        <Trans
          i18nKey="bulk.startedBy"
          values={{ name: run.startedBy, when: formatDateTime(run.createdAt) }}
          components={{ time: <time dateTime={run.createdAt} /> }}
        />
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
  return i18n.t("bulk.progress", {
    tested: formatCount(run.tested),
    total: formatCount(run.total),
    failures: i18n.t("bulk.failures", { count: run.failures }),
  });
}

function endText(run: Run): string {
  const when = formatDateTime(run.finishedAt);
  if (run.state === "cancelled") {
    const values = {
      when,
      tested: formatCount(run.tested),
      total: formatCount(run.total),
      failures: i18n.t("bulk.failures", { count: run.failures }),
    };
    return run.cancelledBy
      ? i18n.t("bulk.cancelledBy", { ...values, name: run.cancelledBy })
      : i18n.t("bulk.cancelled", values);
  }
  if (run.total === 0) return i18n.t("bulk.finishedEmpty", { when });
  return i18n.t("bulk.finished", { when, tested: formatCount(run.tested), count: run.failures });
}

function Progress({ run }: { run: Run }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);
  // Refused because it ended meanwhile: the hook reads it again, to show how.
  const cancel = useCancelBulkTest({
    runId: run.id,
    mutationConfig: { onSuccess: () => setConfirming(false), onError: () => setConfirming(false) },
  });
  const text = progressText(run);
  const share = run.total > 0 ? (run.tested / run.total) * 100 : 0;
  return (
    <>
      <div
        className="progress"
        role="progressbar"
        aria-label={t("bulk.progressLabel", { id: run.id })}
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
          {t("common.cancel")}
        </button>
      </div>
      {cancel.isError && <ErrorBox error={cancel.error} />}
      {confirming && (
        <ConfirmDialog
          title={t("bulk.cancelTitle")}
          confirmLabel={t("bulk.cancelConfirm")}
          cancelLabel={t("bulk.keepTesting")}
          danger
          busy={cancel.isPending}
          onConfirm={() => cancel.mutate()}
          onCancel={() => setConfirming(false)}
        >
          <p>{t("bulk.cancelText", { count: run.total - run.tested })}</p>
        </ConfirmDialog>
      )}
    </>
  );
}
