import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { plainUsername, saslUsername, scramServerOutcome, scramUsername } from '../../../src/sniffer/sasl-tokens.ts';

describe('SASL user names', () => {
  it('takes the authentication id of a PLAIN token, with or without an authorization id', () => {
    assert.equal(plainUsername(Buffer.from('\u0000alice\u0000secret')), 'alice');
    assert.equal(plainUsername(Buffer.from('admin\u0000bob\u0000secret')), 'bob');
    assert.equal(plainUsername(Buffer.from('no separators')), undefined);
    assert.equal(plainUsername(Buffer.from('\u0000\u0000secret')), undefined);
  });

  it('takes the user of a SCRAM client-first message and unescapes it', () => {
    assert.equal(scramUsername(Buffer.from('n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL')), 'user');
    assert.equal(scramUsername(Buffer.from('n,a=admin,n=a=3Db=2Cc,r=abc')), 'a=b,c');
    assert.equal(scramUsername(Buffer.from('c=biws,r=abc,p=proof')), undefined);
  });

  it('never returns anything of a PLAIN password', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }).filter((s) => !s.includes('\u0000')),
        fc.string({ minLength: 6 }),
        (user, password) => {
          const name = saslUsername('PLAIN', Buffer.from(`\u0000${user}\u0000${password}`));
          assert.equal(name, user);
        },
      ),
    );
  });

  it('reads both forms when the mechanism is not known, and neither for other mechanisms', () => {
    assert.equal(saslUsername(undefined, Buffer.from('n,,n=carol,r=x')), 'carol');
    assert.equal(saslUsername(undefined, Buffer.from('\u0000dave\u0000pw')), 'dave');
    assert.equal(saslUsername('OAUTHBEARER', Buffer.from('n,,\u0001auth=Bearer token\u0001\u0001')), undefined);
    assert.equal(saslUsername('GSSAPI', Buffer.from('\u0000dave\u0000pw')), undefined);
  });

  it("tells a SCRAM server's success from its failure", () => {
    assert.equal(scramServerOutcome(Buffer.from('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=')), true);
    assert.equal(scramServerOutcome(Buffer.from('e=invalid-proof')), false);
    assert.equal(scramServerOutcome(Buffer.from('r=abc,s=salt,i=4096')), undefined);
  });
});
