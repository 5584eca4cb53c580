import type { Attributes } from '@opentelemetry/api';

/**
 * The attributes of every benchmark's spans (~10, a Go HTTP handler's with `code.*`): one definition, so "memory per
 * stored span of the benchmark's shape" means the same span in every bench. `i` varies the method and status;
 * `pathNumber` makes `url.path` distinct.
 */
export function benchAttributes(i: number, pathNumber = i): Attributes {
  return {
    'http.request.method': i % 5 === 0 ? 'POST' : 'GET',
    'http.route': '/orders/:id',
    'url.path': `/orders/${pathNumber}`,
    'http.response.status_code': i % 50 === 0 ? 500 : 200,
    'server.address': 'orders.internal',
    'server.port': 8080,
    'user_agent.original': 'Go-http-client/1.1',
    'code.file.path': '/build/shop/internal/orders/service.go',
    'code.line.number': 12,
    'code.function.name': 'example.com/shop/internal/orders.(*Service).Create',
  };
}
