/** The bell's notifications: the latest 50 (asked again every minute), and marking one read. */
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, unwrap } from "./client";
import { invalidate, keys } from "./keys";

export const notificationsQuery = queryOptions({
  queryKey: keys.notifications,
  queryFn: () => unwrap(api.GET("/api/notifications", { params: { query: { limit: 50 } } })),
  refetchInterval: 60_000,
});

function markNotificationRead(id: number) {
  return unwrap(
    api.POST("/api/notifications/{notification_id}/read", { params: { path: { notification_id: id } } }),
  );
}

/** Mark a notification read; the mutation ends once the list has been read again. */
export function useMarkNotificationRead() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: markNotificationRead,
    onSuccess: () => invalidate.notifications(queryClient),
  });
}
