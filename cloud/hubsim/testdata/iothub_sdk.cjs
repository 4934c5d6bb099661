// Drives the local hub with Microsoft's Node service SDK (azure-iothub):
// a paged twin query and both job types. Prints one JSON line with what
// it saw; any failure exits 1 with the SDK's error on stderr.
//
// The SDK always dials port 443 of the connection string's host; the
// local hub listens on a free loopback port, so each client's own
// HTTPS agent is pointed there. Paths, headers, tokens and the parsing of
// answers are the SDK's, unchanged.
'use strict';
const https = require('https');
const path = require('path');

const iothub = require(path.join(process.env.QPYHUB_NODE_DIR, 'node_modules', 'azure-iothub'));
const connectionString = process.env.HUB_CONNECTION_STRING;
const port = Number(process.env.HUB_PORT);
const deadline = Date.now() + 20000;

function routed(client) {
  const agent = new https.Agent({ keepAlive: false });
  agent.defaultPort = port;
  client._restApiClient.setOptions({ http: { agent } });
  return client;
}

async function queryAll(registry, sql, pageSize) {
  const query = registry.createQuery(sql, pageSize);
  const ids = [];
  let pages = 0;
  do {
    const { result } = await query.nextAsTwin();
    pages++;
    for (const twin of result) {
      ids.push(twin.deviceId);
      if (typeof twin.properties.reported.$version !== 'number') {
        throw new Error('twin ' + twin.deviceId + ' has no reported $version');
      }
    }
  } while (query.hasMoreResults && Date.now() < deadline);
  return { ids, pages };
}

async function finishedJob(jobs, jobId) {
  for (;;) {
    const { jobStatus } = await jobs.getJob(jobId);
    if (['completed', 'failed', 'cancelled'].includes(jobStatus.status)) {
      return { status: jobStatus.status, type: jobStatus.type, stats: jobStatus.deviceJobStatistics };
    }
    if (Date.now() > deadline) {
      throw new Error('job ' + jobId + ' still ' + jobStatus.status);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function main() {
  const registry = routed(iothub.Registry.fromConnectionString(connectionString));
  const query = await queryAll(registry, "SELECT * FROM devices WHERE tags.site = 'a'", 7);

  const jobs = routed(iothub.JobClient.fromConnectionString(connectionString));
  await jobs.scheduleTwinUpdate('sdk-twin', "tags.site = 'a'",
    { etag: '*', tags: { touched: 'sdk' }, properties: { desired: { sdk: 'yes' } } }, new Date(), 60);
  const twinJob = await finishedJob(jobs, 'sdk-twin');

  await jobs.scheduleDeviceMethod('sdk-method', "deviceId IN ['dev-001', 'dev-002']",
    { methodName: 'ping', payload: { n: 1 }, responseTimeoutInSeconds: 10 });
  const methodJob = await finishedJob(jobs, 'sdk-method');

  const twin = (await registry.getTwin('dev-000')).responseBody;
  console.log(JSON.stringify({ query, twinJob, methodJob, desired: twin.properties.desired.sdk }));
}

main().catch((err) => {
  console.error(String(err && err.stack ? err.stack : err));
  process.exit(1);
});
