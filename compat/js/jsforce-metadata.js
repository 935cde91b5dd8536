// Usage: node jsforce-metadata.js <instanceUrl> <accessToken> <zipFile> <outDir>
// The Metadata API with jsforce (salesforce-clients.md §2): metadata.deploy + checkDeployStatus (SOAP),
// metadata.deployRest + checkDeployStatus (REST deployRequest), metadata.retrieve + checkRetrieveStatus.
// <zipFile> is a singlePackage zip with classes/JsHello.cls; the retrieved zip is written to <outDir>/retrieved.zip.
// Prints one line per step: "PASS <step> <detail>" or "FAIL <step> <detail>".
const jsforce = require(process.env.JSFORCE_MODULE || 'jsforce');
const fs = require('fs');
const path = require('path');
const [instanceUrl, accessToken, zipFile, outDir] = process.argv.slice(2);
const conn = new jsforce.Connection({ instanceUrl, accessToken });
let failures = 0;
const res = (ok, step, detail) => { if (!ok) failures++; console.log(`${ok ? 'PASS' : 'FAIL'} ${step} ${detail ?? ''}`); };
const err = (e) => `${e && e.name}: ${e && (e.errorCode || '')} ${e && e.message}`.replace(/\s+/g, ' ').slice(0, 400);
async function step(name, fn) {
  try { await fn(); } catch (e) { res(false, name, err(e)); }
}
// Polls until done; each check advances the simulated deploy, so a handful of polls is enough.
async function poll(check, what) {
  for (let i = 0; i < 30; i++) {
    const r = await check();
    if (r && (r.done === true || r.done === 'true')) return r;
    await new Promise(resolve => setTimeout(resolve, 200));
  }
  throw new Error(`${what} not done after 30 polls`);
}
(async () => {
  const zip = fs.readFileSync(zipFile);
  await step('js-metadata-deploy', async () => {
    const started = await conn.metadata.deploy(zip, { singlePackage: true, rollbackOnError: true });
    const r = await poll(() => conn.metadata.checkDeployStatus(started.id, true), 'deploy ' + started.id);
    const names = [].concat((r.details && r.details.componentSuccesses) || []).map(s => s.fullName);
    res(r.status === 'Succeeded' && r.success === true && names.includes('JsHello'), 'js-metadata-deploy',
      `SOAP deploy ${started.id}: status=${r.status} success=${r.success} deployed=${r.numberComponentsDeployed} successes=${names}`);
  });
  await step('js-metadata-deployRest', async () => {
    const started = await conn.metadata.deployRest(zip, { singlePackage: true, rollbackOnError: true });
    const r = await poll(() => conn.metadata.checkDeployStatus(started.id, true, true), 'deployRequest ' + started.id);
    res(r.status === 'Succeeded' && r.done === true, 'js-metadata-deployRest',
      `REST deployRequest ${started.id}: status=${r.status} done=${r.done} deployed=${r.numberComponentsDeployed}`);
  });
  await step('js-metadata-retrieve', async () => {
    const started = await conn.metadata.retrieve({ apiVersion: '50.0', singlePackage: true,
      unpackaged: { types: [{ name: 'ApexClass', members: ['JsHello', 'AccountService'] }], version: '50.0' } });
    const r = await poll(() => conn.metadata.checkRetrieveStatus(started.id), 'retrieve ' + started.id);
    fs.writeFileSync(path.join(outDir, 'retrieved.zip'), Buffer.from(r.zipFile || '', 'base64'));
    const files = [].concat(r.fileProperties || []).map(f => f.fileName);
    res(r.status === 'Succeeded' && files.includes('classes/JsHello.cls') && files.includes('classes/AccountService.cls'),
      'js-metadata-retrieve', `retrieve ${started.id}: status=${r.status} files=${files} zip=${(r.zipFile || '').length} base64 chars`);
  });
  process.exit(failures ? 1 : 0);
})().catch(e => { console.log('FAIL js-metadata-unexpected ' + err(e)); process.exit(2); });
