/** The part of swagger-ui-dist's bundle that the API documentation page uses (the package ships no types). */
declare module "swagger-ui-dist/swagger-ui-es-bundle.js" {
  export interface SwaggerRequest {
    /** Left out on the fetch of the OpenAPI document itself (a GET). */
    method?: string;
    url: string;
    headers: Record<string, string>;
  }

  export interface SwaggerUIOptions {
    url: string;
    domNode: HTMLElement;
    presets?: unknown[];
    deepLinking?: boolean;
    displayOperationId?: boolean;
    validatorUrl?: string | null;
    requestInterceptor?: (request: SwaggerRequest) => SwaggerRequest | Promise<SwaggerRequest>;
  }

  interface SwaggerUIFactory {
    (options: SwaggerUIOptions): unknown;
    presets: { apis: unknown };
  }

  const SwaggerUI: SwaggerUIFactory;
  export default SwaggerUI;
}
