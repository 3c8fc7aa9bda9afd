/** "Refresh Selling Partner API Access Token": runs the connection test per region and keeps each result. */
import { useState } from "react";
import type { Region } from "../../api/companies";
import { useRefreshConnection } from "../../api/settings";
import type { TestState } from "./CredentialsPanel";

export function useConnectionTests(companyId: number) {
  const [tests, setTests] = useState<Partial<Record<Region, TestState>>>({});
  const refresh = useRefreshConnection({
    companyId,
    mutationConfig: {
      onMutate: (region) => setTests((t) => ({ ...t, [region]: { region, pending: true } })),
      onSuccess: (result, region) =>
        setTests((t) => ({ ...t, [region]: { region, pending: false, result } })),
      onError: (error, region) => setTests((t) => ({ ...t, [region]: { region, pending: false, error } })),
    },
  });
  return {
    resultFor: (region: Region) => tests[region] ?? null,
    run: (region: Region) => refresh.mutate(region),
    clear: () => setTests({}),
  };
}
