/** The options a component may add to one of the mutation hooks in `api/` (what to show on success or failure). */
import type { UseMutationOptions } from "@tanstack/react-query";

export type MutationConfig<TData, TVariables = void> = Omit<
  UseMutationOptions<TData, Error, TVariables>,
  "mutationFn"
>;
