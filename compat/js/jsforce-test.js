// Usage: node jsforce-test.js <instanceUrl> <accessToken> [apiVersion]
// Prints one line per step: "PASS <step> <detail>" or "FAIL <step> <detail>".
const jsforce = require(process.env.JSFORCE_MODULE || 'jsforce');
const [instanceUrl, accessToken, version] = process.argv.slice(2);
const opts = { instanceUrl, accessToken };
if (version) opts.version = version;
const conn = new jsforce.Connection(opts);
let failures = 0;
const res = (ok, step, detail) => { if (!ok) failures++; console.log(`${ok ? 'PASS' : 'FAIL'} ${step} ${detail ?? ''}`); };
const err = (e) => `${e && e.name}: ${e && (e.errorCode || '')} ${e && e.message}`.slice(0, 400);
async function step(name, fn) {
  try { await fn(); } catch (e) { res(false, name, err(e)); }
}
(async () => {
  const v = conn.version;
  let id;
  await step('js-query', async () => {
    const r = await conn.query('SELECT Id, Name FROM Account LIMIT 5');
    res(r.done === true && typeof r.totalSize === 'number' && Array.isArray(r.records) && r.records.length > 0,
      'js-query', `v${v} totalSize=${r.totalSize} done=${r.done} n=${r.records.length}`);
  });
  await step('js-query-rel', async () => {
    const r = await conn.query('SELECT Id, LastName, Account.Name FROM Contact');
    const ok = r.records.length > 0 && r.records.some(x => x.Account && x.Account.Name);
    res(ok, 'js-query-rel', `n=${r.records.length} first=${JSON.stringify(r.records[0] && {LastName: r.records[0].LastName, Account: r.records[0].Account && r.records[0].Account.Name})}`);
  });
  await step('js-query-bad', async () => {
    try { await conn.query('SELEC Id FROM Account'); res(false, 'js-query-bad', 'no error thrown'); }
    catch (e) { res(e.errorCode === 'MALFORMED_QUERY', 'js-query-bad', err(e)); }
  });
  await step('js-create', async () => {
    const r = await conn.sobject('Account').create({ Name: 'jsforce Acme' });
    id = r.id;
    res(r.success === true && /^001\w{15}$/.test(r.id || ''), 'js-create', JSON.stringify(r));
  });
  await step('js-retrieve', async () => {
    const r = await conn.sobject('Account').retrieve(id);
    res(r && r.Id === id && r.Name === 'jsforce Acme', 'js-retrieve', `Id=${r.Id} Name=${r.Name}`);
  });
  await step('js-update', async () => {
    const r = await conn.sobject('Account').update({ Id: id, Name: 'jsforce Acme 2' });
    const back = await conn.sobject('Account').retrieve(id);
    res(r.success === true && back.Name === 'jsforce Acme 2', 'js-update', `${JSON.stringify(r)} now Name=${back.Name}`);
  });
  await step('js-describe', async () => {
    const d = await conn.describe('Account');
    const names = (d.fields || []).map(f => f.name);
    res(d.name === 'Account' && names.includes('Id') && names.includes('Name'), 'js-describe',
      `name=${d.name} keyPrefix=${d.keyPrefix} fields=${names.length}`);
  });
  await step('js-describeGlobal', async () => {
    const g = await conn.describeGlobal();
    res(Array.isArray(g.sobjects) && g.sobjects.some(s => s.name === 'Account'), 'js-describeGlobal', `sobjects=${(g.sobjects||[]).length}`);
  });
  await step('js-destroy', async () => {
    const r = await conn.sobject('Account').destroy(id);
    let gone = false;
    try { await conn.sobject('Account').retrieve(id); } catch (e) { gone = /NOT_FOUND|ENTITY_IS_DELETED/.test(e.errorCode || e.name); }
    res(r.success === true && gone, 'js-destroy', `${JSON.stringify(r)} retrieve-after-delete-404=${gone}`);
  });
  // Extra (not in the brief's core list): sObject Collections via jsforce create([...]).
  const created = [];
  await step('extra-composite-create', async () => {
    const rs = await conn.sobject('Account').create([{ Name: 'Composite A' }, { Name: 'Composite B' }], { allOrNone: false });
    rs.forEach(r => { if (r.success) created.push(r.id); });
    res(rs.length === 2 && rs.every(r => r.success), 'extra-composite-create', `POST /composite/sobjects -> ${JSON.stringify(rs).slice(0, 200)}`);
  });
  await step('extra-composite-destroy', async () => {
    if (!created.length) { res(false, 'extra-composite-destroy', 'skipped: nothing created by composite'); return; }
    const rs = await conn.sobject('Account').destroy(created.splice(0), { allOrNone: false });
    res(rs.every(r => r.success), 'extra-composite-destroy', `DELETE /composite/sobjects?ids= -> ${JSON.stringify(rs).slice(0, 200)}`);
  });
  // Paging: make sure there are >= 250 accounts (one POST each), then query with batchSize=200.
  await step('js-paging-setup', async () => {
    const n = await conn.query('SELECT COUNT() FROM Account');
    const need = Math.max(0, 250 - n.totalSize);
    for (let j = 0; j < need; j++) {
      const r = await conn.sobject('Account').create({ Name: `Paging ${j}` });
      if (r.success) created.push(r.id);
    }
    res(created.length === need, 'js-paging-setup', `created ${created.length}/${need} accounts one by one`);
  });
  await step('js-queryMore', async () => {
    const soql = 'SELECT Id, Name FROM Account';
    const r = await conn.query(soql, { headers: { 'Sforce-Query-Options': 'batchSize=200' }, autoFetch: false });
    const first = r.records.length;
    if (r.done || !r.nextRecordsUrl) {
      res(false, 'js-queryMore', `no paging: totalSize=${r.totalSize} records=${first} done=${r.done} nextRecordsUrl=${r.nextRecordsUrl}`);
      return;
    }
    const m = await conn.queryMore(r.nextRecordsUrl);
    const total = first + m.records.length;
    const ids = new Set([...r.records, ...m.records].map(x => x.Id));
    res(m.done === true && total === r.totalSize && ids.size === total, 'js-queryMore',
      `totalSize=${r.totalSize} batch1=${first} next=${r.nextRecordsUrl} batch2=${m.records.length} done=${m.done} nextRecordsUrl2=${m.nextRecordsUrl} distinctIds=${ids.size}`);
  });
  await step('js-autoFetch', async () => {
    const r = await conn.query('SELECT Id FROM Account', { headers: { 'Sforce-Query-Options': 'batchSize=200' }, autoFetch: true, maxFetch: 10000 });
    res(r.records.length === r.totalSize, 'js-autoFetch', `fetched=${r.records.length} totalSize=${r.totalSize}`);
  });
  await step('js-paging-cleanup', async () => {
    let ok = 0;
    for (const cid of created) { const r = await conn.sobject('Account').destroy(cid); if (r.success) ok++; }
    res(ok === created.length, 'js-paging-cleanup', `deleted ${ok}/${created.length}`);
  });
  process.exit(failures ? 1 : 0);
})().catch(e => { console.log('FAIL js-unexpected ' + err(e)); process.exit(2); });
