// The phone book and BLF as data: the list from the switch's phone-book
// URL (the seed's XML directory, or JSON) and the state of a watched
// extension from its RFC 4235 dialog-info document. What comes from those
// services is untrusted: it is parsed as data, clipped, never run.

const BOOK_MAX = 1000;

// entry is one phone-book line: {number, name, blf (watched)}, or null.
export function entry(number, name, blf) {
  number = String(number ?? '').trim().slice(0, 64);
  if (!number) return null;
  return { number, name: String(name ?? '').trim().slice(0, 128), blf: blf !== false };
}

// fetchBook asks the phone-book URL for ext's list, with ?pext=<ext> as the
// seed's phone-book service expects.
export async function fetchBook(url, ext, base = location.href) {
  const u = new URL(url, base);
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error('the phone book address is not http(s)');
  if (!u.searchParams.has('pext')) u.searchParams.set('pext', ext);
  const res = await fetch(u, { credentials: 'same-origin' });
  if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
  const text = await res.text();
  const type = res.headers.get('content-type') || '';
  const entries = /json/.test(type) || /^\s*[[{]/.test(text) ? bookFromJSON(JSON.parse(text)) : bookFromXML(text);
  return entries.slice(0, BOOK_MAX);
}

// bookFromJSON takes [{number|tel|ext|telephone, name, blf}] or
// {entries: [...]}.
export function bookFromJSON(v) {
  const list = Array.isArray(v) ? v : v && Array.isArray(v.entries) ? v.entries : [];
  return list.map((e) => e && entry(e.number ?? e.tel ?? e.ext ?? e.telephone, e.name, e.blf)).filter(Boolean);
}

// bookFromXML takes the seed's format: <EZPhoneDirectory><PbookGroup>
// <DirectoryEntry><Name/><Telephone/><Blf>Yes</Blf>; Blf No means the
// entry is not watched.
export function bookFromXML(text) {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) throw new Error('the phone book is neither JSON nor XML');
  const out = [];
  for (const d of doc.getElementsByTagName('DirectoryEntry')) {
    const get = (tag) => (d.getElementsByTagName(tag)[0] || {}).textContent || '';
    const e = entry(get('Telephone'), get('Name'), !/^no$/i.test(get('Blf').trim()));
    if (e) out.push(e);
  }
  return out;
}

// blfState reads an RFC 4235 dialog-info document (event 9012's blfxml):
// any confirmed dialog is busy, else any early one ringing; none (or all
// terminated) is idle; a document that does not parse is unknown.
export function blfState(xml) {
  if (!xml || !xml.trim()) return 'idle';
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length) return 'unknown';
  let s = 'idle';
  for (const d of doc.getElementsByTagNameNS('*', 'dialog')) {
    const st = d.getElementsByTagNameNS('*', 'state')[0];
    const v = st ? st.textContent.trim().toLowerCase() : '';
    if (v === 'confirmed') return 'busy';
    if (v === 'early' || v === 'proceeding' || v === 'trying') s = 'ringing';
  }
  return s;
}
