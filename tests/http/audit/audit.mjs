// Runs the graphql-http server audits (GraphQL-over-HTTP spec conformance) against a live server
// and prints one JSON array of results: {id, name, status, reason?, responseStatus?, responseBody?}.
//
//   node audit.mjs http://127.0.0.1:8000/graphql
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}

const results = await auditServer({ url });
const out = [];
for (const result of results) {
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    const response = result.response;
    if (response) {
      entry.responseStatus = response.status;
      entry.responseContentType = response.headers.get('content-type');
      try {
        entry.responseBody = (await response.text()).slice(0, 500);
      } catch {
        entry.responseBody = '(body already read)';
      }
    }
  }
  out.push(entry);
}
process.stdout.write(JSON.stringify(out) + '\n');
