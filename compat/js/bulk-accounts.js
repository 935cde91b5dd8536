// node bulk-accounts.js <url> <token> create N | delete-prefix PREFIX
const jsforce = require(process.env.JSFORCE_MODULE || 'jsforce');
const [url, tok, op, arg] = process.argv.slice(2);
const conn = new jsforce.Connection({ instanceUrl: url, accessToken: tok, version: '66.0' });
(async () => {
  if (op === 'create') {
    const n = +arg; let ok = 0; const par = 16;
    for (let i = 0; i < n; i += par) {
      const rs = await Promise.all(Array.from({ length: Math.min(par, n - i) }, (_, k) => conn.sobject('Account').create({ Name: `Bulk ${i + k}` })));
      ok += rs.filter(r => r.success).length;
    }
    console.log(`created ${ok}/${n}`);
  } else {
    const r = await conn.query(`SELECT Id FROM Account WHERE Name LIKE '${arg}%'`, { autoFetch: true, maxFetch: 100000 });
    let ok = 0; const ids = r.records.map(x => x.Id);
    for (let i = 0; i < ids.length; i += 16) {
      const rs = await Promise.all(ids.slice(i, i + 16).map(id => conn.sobject('Account').destroy(id)));
      ok += rs.filter(x => x.success).length;
    }
    console.log(`deleted ${ok}/${ids.length}`);
  }
})().catch(e => { console.log('ERR', e.name, e.message); process.exit(1); });
