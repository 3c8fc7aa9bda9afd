/** A fake server for component tests: routes by "METHOD /path/:param", records every request. */
import { vi } from "vitest";

export type Call = {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
  params: Record<string, string>;
};
/** An answer with a status other than 200 (a plain value is answered as a 200 JSON body). */
export class Reply {
  constructor(
    readonly status: number,
    readonly body?: unknown,
  ) {}
}
export const reply = (status: number, body?: unknown) => new Reply(status, body);
type Handler = ((call: Call) => unknown) | object | null;

export type FakeApi = {
  calls: Call[];
  on: (route: string, handler: Handler) => void;
  callsTo: (route: string) => Call[];
};

function match(pattern: string, path: string): Record<string, string> | null {
  const a = pattern.split("/");
  const b = path.split("/");
  if (a.length !== b.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.startsWith(":")) params[a[i]!.slice(1)] = decodeURIComponent(b[i]!);
    else if (a[i] !== b[i]) return null;
  }
  return params;
}

export function fakeApi(routes: Record<string, Handler> = {}): FakeApi {
  const table = new Map<string, Handler>(Object.entries(routes));
  const calls: Call[] = [];
  const fetchMock = vi.fn(async (input: Request) => {
    const url = new URL(input.url);
    const text = input.method === "GET" ? "" : await input.text();
    for (const [route, handler] of [...table.entries()].reverse()) {
      const [method, pattern] = route.split(" ") as [string, string];
      const params = method === input.method ? match(pattern, url.pathname) : null;
      if (!params) continue;
      const call: Call = {
        method: input.method,
        path: url.pathname,
        query: url.searchParams,
        headers: input.headers,
        body: text ? JSON.parse(text) : undefined,
        params,
      };
      calls.push(call);
      const result: unknown = typeof handler === "function" ? handler(call) : handler;
      const answer = result instanceof Reply ? result : new Reply(200, result);
      return new Response(answer.status === 204 ? null : JSON.stringify(answer.body ?? {}), {
        status: answer.status,
        headers: { "Content-Type": "application/json" },
      });
    }
    throw new Error(`No fake route for ${input.method} ${url.pathname}`);
  });
  vi.stubGlobal("fetch", fetchMock);
  return {
    calls,
    on: (route, handler) => table.set(route, handler),
    callsTo: (route) => {
      const [method, pattern] = route.split(" ") as [string, string];
      return calls.filter((c) => c.method === method && match(pattern, c.path));
    },
  };
}
