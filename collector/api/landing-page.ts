/** What `/` shows until the web UI lands: where to send data and where to read it. */
export function landingPage(): string {
  return `<!doctype html><meta charset="utf-8"><title>Sightline</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem}code,pre{background:#f3f3f3;border-radius:4px;padding:.1rem .3rem}pre{padding:.8rem}</style>
<h1>Sightline</h1>
<p>The collector is running. Point any OpenTelemetry exporter at it:</p>
<pre>OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318</pre>
<p>Traces appear at <a href="/api/traces">/api/traces</a>; health at <a href="/api/health">/api/health</a>.</p>
<script>document.querySelector("pre").textContent = "OTEL_EXPORTER_OTLP_ENDPOINT=" + location.origin;</script>`;
}
