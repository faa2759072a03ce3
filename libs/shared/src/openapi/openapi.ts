import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

export const OPENAPI_PATH = 'api/docs';
export const OPENAPI_JSON_PATH = 'api/docs-json';

export interface OpenApiOptions {
  readonly title: string;
  readonly description: string;
  readonly version: string;
  /** One tag per mounted vertical, with its description. */
  readonly tags: readonly { name: string; description: string }[];
}

/**
 * Serves the OpenAPI 3 document of everything mounted in `app` at `/api/docs` (Swagger UI) and
 * `/api/docs-json`. Error responses are RFC 9457 problem+json (the `Problem` schema).
 */
export function setupOpenApi(app: INestApplication, options: OpenApiOptions): void {
  const builder = new DocumentBuilder()
    .setTitle(options.title)
    .setDescription(options.description)
    .setVersion(options.version);
  for (const tag of options.tags) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build());
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      Problem: {
        type: 'object',
        description: 'RFC 9457 problem details (media type application/problem+json)',
        required: ['type', 'title', 'status', 'detail', 'instance'],
        properties: {
          type: { type: 'string', example: 'urn:trellis:problem:validation-failed' },
          title: { type: 'string', example: 'Request validation failed' },
          status: { type: 'integer', example: 400 },
          detail: { type: 'string' },
          instance: { type: 'string', example: '/api/invoice/quotes' },
          requestId: { type: 'string' },
          errors: {
            type: 'array',
            description: 'For validation-failed: one entry per failed constraint',
            items: {
              type: 'object',
              properties: {
                field: { type: 'string', example: 'lines[0].quantity' },
                pointer: { type: 'string', example: '#/lines/0/quantity' },
                message: { type: 'string' },
              },
            },
          },
        },
      },
    },
  };
  SwaggerModule.setup(OPENAPI_PATH, app, document, { jsonDocumentUrl: OPENAPI_JSON_PATH });
}
