/** "Refresh Selling Partner API Access Token": runs the connection test per region and keeps each result. */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { api, unwrap } from "../../api/client";
import { keys, type Region } from "../../api/queries";
import type { TestState } from "./CredentialsPanel";

export function useConnectionTests(companyId: number) {
  const queryClient = useQueryClient();
  const [tests, setTests] = useState<Partial<Record<Region, TestState>>>({});
  const refresh = useMutation({
    mutationFn: (region: Region) =>
      unwrap(
        api.POST("/api/companies/{company_id}/amazon/regions/{region}/refresh", {
          params: { path: { company_id: companyId, region } },
        }),
      ),
    onMutate: (region) => setTests((t) => ({ ...t, [region]: { region, pending: true } })),
    onSuccess: (result, region) => {
      setTests((t) => ({ ...t, [region]: { region, pending: false, result } }));
      void queryClient.invalidateQueries({ queryKey: keys.settings(companyId) });
      void queryClient.invalidateQueries({ queryKey: keys.allCompanies });
    },
    onError: (error, region) => setTests((t) => ({ ...t, [region]: { region, pending: false, error } })),
  });
  return {
    resultFor: (region: Region) => tests[region] ?? null,
    run: (region: Region) => refresh.mutate(region),
    clear: () => setTests({}),
  };
}
