/**
 * The OpenAPI document is assembled from the fragments that each route module exports beside its
 * routes, so a route and its description change together. A test checks that every registered
 * route is described.
 */
export type OpenApiPaths = Record<string, Record<string, unknown>>;

export function openApiDocument(
  fragments: OpenApiPaths[],
  version: string,
): Record<string, unknown> {
  const paths: OpenApiPaths = {};
  for (const fragment of fragments) {
    for (const [path, item] of Object.entries(fragment)) paths[path] = { ...paths[path], ...item };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cuepoint',
      version,
      description:
        'Engagement reporting for interactive video, compatible with Brightcove Interactivity reporting.',
    },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'Access token from /v4/access_token, or a reporting API key',
        },
        hapyakKey: { type: 'apiKey', in: 'header', name: 'X-Hapyak-API-Key' },
        writeKey: { type: 'apiKey', in: 'header', name: 'X-Cuepoint-Key' },
        basic: { type: 'http', scheme: 'basic' },
      },
      schemas: {
        GatewayError: {
          type: 'array',
          items: {
            type: 'object',
            properties: { error_code: { type: 'string' }, message: { type: 'string' } },
            required: ['error_code', 'message'],
          },
        },
      },
    },
    paths,
  };
}

/** A response entry using the gateway error body. */
export function gatewayError(description: string): Record<string, unknown> {
  return {
    description,
    content: { 'application/json': { schema: { $ref: '#/components/schemas/GatewayError' } } },
  };
}
