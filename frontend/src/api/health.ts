/** Connection health: the needs-action counts and filtered owners of the companies page, and the bulk test. */
import { queryOptions, useMutation, useQueryClient, type QueryClient } from "@tanstack/react-query";
import type { MutationConfig } from "../lib/react-query";
import { api, ApiError, unwrap, type Schemas } from "./client";
import type { Region } from "./companies";
import { invalidate, keys } from "./keys";

type Run = Schemas["BulkTestView"];

export type StatusFilter = NonNullable<NonNullable<Schemas["BulkTestStart"]["status"]>>;

/** Which owners a filtered list shows: those with a connection in `status` (any when left out) and `region`. */
export type OwnerFilter = { status?: StatusFilter; region?: Region; q?: string };

export const OWNER_PAGE_SIZE = 25;
export const BULK_RESULTS_PAGE_SIZE = 25;
/** How often a running bulk test is asked for its progress. */
export const BULK_TEST_POLL_MS = 2_000;

/** Connections per status in the user's companies (and region), with `needs_action`: counted by the server. */
export const statusCountsQuery = (region: Region | undefined) =>
  queryOptions({
    queryKey: keys.statusCounts(region),
    queryFn: async () =>
      (await unwrap(api.GET("/api/companies", { params: { query: { withCounts: true, region, limit: 1 } } })))
        .counts ?? {},
  });

/** A page of the account owners with a connection in the filter, wherever they are in the tree. */
export const ownersQuery = (filter: OwnerFilter, offset: number) =>
  queryOptions({
    queryKey: keys.owners(filter, offset),
    queryFn: () =>
      unwrap(
        api.GET("/api/companies", {
          params: {
            query: {
              status: filter.status,
              region: filter.region,
              q: filter.q || undefined,
              limit: OWNER_PAGE_SIZE,
              offset,
            },
          },
        }),
      ),
  });

/** The latest bulk test of the user's companies (null when there was none). */
export const currentBulkTestQuery = queryOptions({
  queryKey: keys.currentBulkTest,
  queryFn: () => unwrap(api.GET("/api/bulk-tests/current")),
});

/** A bulk test's progress, asked again every 2 s while it runs. */
export const bulkTestQuery = (id: number) =>
  queryOptions({
    queryKey: keys.bulkTest(id),
    queryFn: () => unwrap(api.GET("/api/bulk-tests/{run_id}", { params: { path: { run_id: id } } })),
    refetchInterval: (query) => (query.state.data?.state === "running" ? BULK_TEST_POLL_MS : false),
  });

export const bulkTestResultsQuery = (id: number, failuresOnly: boolean, offset: number) =>
  queryOptions({
    queryKey: keys.bulkTestResults(id, failuresOnly, offset),
    queryFn: () =>
      unwrap(
        api.GET("/api/bulk-tests/{run_id}/results", {
          params: {
            path: { run_id: id },
            query: { failuresOnly, limit: BULK_RESULTS_PAGE_SIZE, offset },
          },
        }),
      ),
  });

/** The results as a CSV file (a plain link: the browser downloads it with the session's cookie). */
export const bulkTestCsvUrl = (id: number) => `/api/bulk-tests/${id}/results.csv`;

type BulkTestTarget = { status?: StatusFilter; region?: Region };

function startBulkTest(filter: BulkTestTarget) {
  return unwrap(api.POST("/api/bulk-tests", { body: { status: filter.status, region: filter.region } }));
}

/** A run the server answered with is the one followed from now on. */
function showRun(queryClient: QueryClient, run: Run) {
  queryClient.setQueryData(keys.bulkTest(run.id), run);
  queryClient.setQueryData(keys.currentBulkTest, run);
}

/** Start a bulk test of the filter; it becomes the current run. */
export function useStartBulkTest() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: startBulkTest,
    onSuccess: (started) => showRun(queryClient, started),
  });
}

function cancelBulkTest(id: number) {
  return unwrap(api.POST("/api/bulk-tests/{run_id}/cancel", { params: { path: { run_id: id } } }));
}

/** Cancel a running bulk test; refused because it ended meanwhile (422), it is read again to show how it ended. */
export function useCancelBulkTest({
  runId,
  mutationConfig,
}: {
  runId: number;
  mutationConfig?: MutationConfig<Run>;
}) {
  const queryClient = useQueryClient();
  const { onSuccess, onError, ...rest } = mutationConfig ?? {};
  return useMutation({
    ...rest,
    mutationFn: () => cancelBulkTest(runId),
    onSuccess: (cancelled, ...more) => {
      void onSuccess?.(cancelled, ...more);
      showRun(queryClient, cancelled);
    },
    onError: (error, ...more) => {
      void onError?.(error, ...more);
      if (error instanceof ApiError && error.status === 422) void invalidate.bulkTest(queryClient, runId);
    },
  });
}
