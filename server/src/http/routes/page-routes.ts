/** The HTML pages served by the same process (DESIGN §4): today the public verification page. */
import { defineRoute, reply } from '../route.js';
import type { RouteModule } from '../route-registry.js';
import { verifyPage } from '../../pages/verify-page.js';

/** The page routes (marked `page`, so they stay out of the OpenAPI document). */
export function pageRoutes(): RouteModule {
  const html = verifyPage();
  return {
    routes: [
      defineRoute({
        operationId: 'pageVerify',
        method: 'get',
        path: '/verify',
        summary: '验证签名页面 The public verification page',
        tags: ['pages'],
        auth: ['public'],
        page: true,
        responses: { 200: { description: 'The page', contentType: 'text/html' } },
        handler: () => reply.bytes(html, 'text/html; charset=utf-8'),
      }),
    ],
  };
}
