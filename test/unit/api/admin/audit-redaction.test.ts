import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { REDACTED, redactSecrets } from '../../../../src/api/admin/audit-redaction.ts';

const SECRET_NAMES = [
  'ssl.key.password',
  'sasl.jaas.config',
  'ssl.keystore.key',
  'x.secret',
  'listener.name.internal.ssl.keystore.password',
  'SSL.KEY.PASSWORD',
];
const ORDINARY_NAMES = [
  'retention.ms',
  'cleanup.policy',
  'ssl.keystore.location',
  'ssl.keystore.type',
  'min.insync.replicas',
  'keys.per.batch',
];

describe('redactSecrets', () => {
  test('REDACTED is what replaces a secret', () => {
    assert.equal(REDACTED, '[redacted]');
  });

  for (const name of SECRET_NAMES) {
    test(`${name}: value redacted in an array of {name, value} under a field`, () => {
      const body = {
        data: [
          { name, value: 'hunter2' },
          { name: 'retention.ms', value: '1000' },
        ],
        validate_only: true,
      };
      assert.deepEqual(redactSecrets(body), {
        data: [
          { name, value: REDACTED },
          { name: 'retention.ms', value: '1000' },
        ],
        validate_only: true,
      });
    });
  }

  for (const name of ORDINARY_NAMES) {
    test(`${name}: an ordinary config keeps its value`, () => {
      assert.deepEqual(redactSecrets({ configs: [{ name, value: 'v' }] }), { configs: [{ name, value: 'v' }] });
      assert.deepEqual(redactSecrets([{ name, before: 'a', after: 'b' }]), [{ name, before: 'a', after: 'b' }]);
      assert.deepEqual(redactSecrets({ value: 'v' }, name), { value: 'v' });
    });
  }

  test('before and after of change entries are redacted for secret names', () => {
    const changes = [
      { name: 'ssl.key.password', before: 'old-secret', after: 'new-secret' },
      { name: 'sasl.jaas.config', before: null, after: 'org.apache...required;' },
      { name: 'retention.ms', before: '1000', after: '2000' },
    ];
    assert.deepEqual(redactSecrets(changes), [
      { name: 'ssl.key.password', before: REDACTED, after: REDACTED },
      { name: 'sasl.jaas.config', before: null, after: REDACTED },
      { name: 'retention.ms', before: '1000', after: '2000' },
    ]);
  });

  test('the input is not changed', () => {
    const changes = [{ name: 'x.secret', before: 'a', after: 'b' }];
    redactSecrets(changes);
    assert.deepEqual(changes, [{ name: 'x.secret', before: 'a', after: 'b' }]);
  });

  test('PUT: the name is in the path, the value in the body', () => {
    assert.deepEqual(redactSecrets({ value: 'hunter2', validate_only: false }, 'ssl.key.password'), {
      value: REDACTED,
      validate_only: false,
    });
    assert.deepEqual(redactSecrets({ value: null }, 'ssl.key.password'), { value: null });
    assert.deepEqual(redactSecrets({ value: 'hunter2' }), { value: 'hunter2' }, 'without a name in the path nothing is known to be secret');
  });

  test('as the router calls it: path parameters with the redacted body', () => {
    const nameInPath = 'ssl.keystore.key';
    const params = { cluster_id: 'c1', topic_name: 'orders', name: nameInPath };
    const parameters = redactSecrets({ ...params, body: redactSecrets({ value: '-----BEGIN PRIVATE KEY-----' }, nameInPath) }, nameInPath);
    assert.deepEqual(parameters, { ...params, body: { value: REDACTED } });
    assert.ok(!JSON.stringify(parameters).includes('PRIVATE KEY'));
  });

  test('the topic create body: secret configs redacted, topic fields kept', () => {
    const body = {
      topic_name: 'orders',
      partitions_count: 3,
      configs: [
        { name: 'x.secret', value: 's' },
        { name: 'retention.ms', value: '5' },
      ],
    };
    assert.deepEqual(redactSecrets(body), {
      topic_name: 'orders',
      partitions_count: 3,
      configs: [
        { name: 'x.secret', value: REDACTED },
        { name: 'retention.ms', value: '5' },
      ],
    });
  });

  test('values that are not objects or entries without a string name pass through', () => {
    assert.equal(redactSecrets(undefined), undefined);
    assert.equal(redactSecrets(null), null);
    assert.equal(redactSecrets('text', 'x.secret'), 'text');
    assert.deepEqual(redactSecrets([1, 'a', null, [{ name: 'x.secret', value: 's' }], { value: 's' }]), [
      1,
      'a',
      null,
      [{ name: 'x.secret', value: 's' }],
      { value: 's' },
    ]);
    assert.deepEqual(redactSecrets({ changes: [{ topic: 'orders', partition: 0, before: 5, after: 0 }] }), {
      changes: [{ topic: 'orders', partition: 0, before: 5, after: 0 }],
    });
  });
});
