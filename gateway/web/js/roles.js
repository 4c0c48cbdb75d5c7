// What a signed-in user's role may write (the rows of common/src/roles.c): the pages
// offer edit controls only to those; the gateway checks every request all the same.
const WRITES = {
  admin: ['activity', 'org', 'target', 'plan', 'alert', 'rules'],
  manager: ['activity', 'org', 'target', 'plan', 'alert', 'rules'],
  coordinator: ['activity', 'org', 'target', 'alert'],
  salesperson: ['activity'],
};

export function mayWrite(me, kind) {
  return (WRITES[me?.role] || []).includes(kind);
}
