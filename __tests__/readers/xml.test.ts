import { describe, expect, it } from 'vitest';
import { EvidenceError } from '../../src/measure.js';
import { parseXml, type XmlHandler } from '../../src/readers/xml.js';
import { bytesSource } from '../helpers/evidence.js';

type Event = [string, ...unknown[]];

/** Every event the tokenizer reports, with adjacent text merged. */
async function events(xml: string | Uint8Array, chunkSize = 7, attrs: string[] = []): Promise<Event[]> {
  const out: Event[] = [];
  const handler: XmlHandler = {
    open(name, attributes, depth) {
      out.push(['open', name, depth, Object.fromEntries(attrs.map((a) => [a, attributes.get(a)]))]);
    },
    close(name, depth) {
      out.push(['close', name, depth]);
    },
    text(text) {
      const last = out[out.length - 1];
      if (last?.[0] === 'text') last[1] = `${last[1] as string}${text}`;
      else out.push(['text', text]);
    },
  };
  await parseXml(bytesSource(xml, chunkSize), handler, 64);
  return out;
}

async function failure(xml: string, chunkSize = 7): Promise<EvidenceError> {
  const err = await events(xml, chunkSize).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(EvidenceError);
  return err as EvidenceError;
}

describe('xml tokenizer', () => {
  const doc =
    '\ufeff<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE r SYSTEM "http://127.0.0.1:9/r.dtd">\n<!-- a comment with <tags> & ]]> -->\n' +
    `<r a='single "q"' b="x &lt;&gt;&amp;&apos;&quot; &#65;&#x42; é😀" c="tab\there\r\nnext"><?pi data?>` +
    '<e/>t&amp;x<![CDATA[<raw> & ]]]]><![CDATA[>]]>é😀</r>\n';

  it('reads names, attributes (either quote, references, normalized whitespace), text, CDATA, comments, PIs and a BOM in any chunking', async () => {
    const expected: Event[] = [
      ['open', 'r', 1, { a: 'single "q"', b: 'x <>&\'" AB é😀', c: 'tab here next', d: undefined }],
      ['open', 'e', 2, { a: undefined, b: undefined, c: undefined, d: undefined }],
      ['close', 'e', 2],
      ['text', 't&x<raw> & ]]>é😀'],
      ['close', 'r', 1],
    ];
    for (const size of [1, 2, 3, 5, 7, 64, 4096]) expect(await events(doc, size, ['a', 'b', 'c', 'd'])).toEqual(expected);
  });

  it('reads plain digits without a string and leaves anything else to get', async () => {
    const got: number[] = [];
    await parseXml(bytesSource('<r a="123" b="1.5" c="" d=" 1" e="0012"/>', 3), { open: (_n, at) => got.push(...['a', 'b', 'c', 'd', 'e', 'f'].map((x) => at.digits(x))) }, 8);
    expect(got).toEqual([123, -1, -1, -1, 12, -2]);
  });

  it('reads plain decimals without a string, exactly as Number() does, and leaves anything else to get', async () => {
    const plain = ['0', '1.5', '0.003', '7.', '0012.50', '123456789012345', '12345.6789012345', '0.1', '0.7', '9007199.25474099'];
    const other = ['', ' 1', '1 ', '.5', '-1', '+1', '1e3', '1,234.5', '1.2.3', '&#49;', '1234567890123456', '1.000000000000001', 'NaN', '.'];
    const values = [...plain, ...other];
    const xml = `<r ${values.map((v, i) => `a${i}="${v}"`).join(' ')}/>`;
    const got: number[] = [];
    await parseXml(bytesSource(xml, 5), { open: (_n, at) => got.push(...values.map((_v, i) => at.decimal(`a${i}`)), at.decimal('absent')) }, 8);
    expect(got).toEqual([...plain.map(Number), ...other.map(() => -1), -2]);
    // random fractions of at most 15 digits: the same double as Number() of the text
    const random = Array.from({ length: 2000 }, (_v, i) => (i % 2 === 0 ? (Math.random() * 10 ** (i % 9)).toFixed(i % 7) : String(Math.floor(Math.random() * 1e6) / 1000)));
    const seen: number[] = [];
    await parseXml(bytesSource(`<r ${random.map((v, i) => `t${i}="${v}"`).join(' ')}/>`, 4096), { open: (_n, at) => seen.push(...random.map((_v, i) => at.decimal(`t${i}`))) }, 8);
    expect(seen).toEqual(random.map(Number));
  });

  it('finds attributes asked for in any order, repeatedly, and absent ones', async () => {
    const got: unknown[] = [];
    const names = ['cb', 'nr', 'nr', 'mb', 'zz', 'ci', 'mi', 'cb', 'n', 'nrr'];
    await parseXml(bytesSource('<r nr="1" mi="2" ci="3" mb="4" cb="5"><x nr="9"/></r>', 2), { open: (_n, at) => got.push(names.map((x) => at.digits(x))) }, 8);
    expect(got).toEqual([
      [5, 1, 1, 4, -2, 3, 2, 5, -2, -2],
      [-2, 9, 9, -2, -2, -2, -2, -2, -2, -2],
    ]);
  });

  it('compares a value with a word on its bytes, as get would', async () => {
    const xml = '<r a="LINE" b="LINES" c="LIN" d="L&#73;NE" e="" f="a\tb" g="é"/>';
    const cases: [string, string][] = [
      ['a', 'LINE'],
      ['a', 'LINES'],
      ['a', 'line'],
      ['b', 'LINE'],
      ['c', 'LINE'],
      ['d', 'LINE'],
      ['e', ''],
      ['e', 'LINE'],
      ['f', 'a b'],
      ['f', 'a\tb'],
      ['f', 'ab'],
      ['g', 'é'],
      ['z', 'LINE'],
      ['z', ''],
    ];
    for (const size of [1, 4096]) {
      const got: [boolean, boolean][] = [];
      await parseXml(bytesSource(xml, size), { open: (_n, at) => got.push(...cases.map(([name, word]): [boolean, boolean] => [at.is(name, word), at.get(name) === word])) }, 8);
      expect(got.map(([is]) => is)).toEqual(got.map(([, equal]) => equal));
      expect(got.map(([is]) => is)).toEqual([true, false, false, false, false, true, true, false, true, false, false, true, false, false]);
    }
  });

  it('checks every reference of an attribute value, and a "<" only once the value is complete', async () => {
    expect((await failure('<r a="&amp;&lt;&bad;"/>', 1)).message).toMatch(/undefined entity: bad/);
    expect((await failure('<r a="&amp;&lt;&bad;"/>', 4096)).position).toEqual({ line: 1, column: 16 });
    for (const size of [1, 4096]) expect((await failure('<r a="x<y', size)).message).toMatch(/unexpected end of document/);
    for (const size of [1, 4096]) expect((await failure('<r a="x<y"/>', size)).position).toEqual({ line: 1, column: 8 });
  });

  it('checks references on their bytes: the five entities and character references, every other one refused with its name', async () => {
    const valid: [string, string][] = [
      ['&lt;&gt;&amp;&apos;&quot;', `<>&'"`],
      // a character reference is never normalized, in an attribute or in text
      ['&#65;&#x42;&#x6a;&#x6A;&#0065;&#x0000004A;&#9;&#10;&#13;&#32;', 'ABjjAJ\t\n\r '],
      ['&#55295;&#xE000;&#xFFFD;&#x10000;&#x10FFFF;&#1114111;', '\ud7ff\ue000\ufffd\u{10000}\u{10ffff}\u{10ffff}'],
    ];
    for (const [refs, text] of valid) {
      for (const size of [1, 3, 4096]) {
        expect(await events(`<r a="${refs}">${refs}</r>`, size, ['a'])).toEqual([['open', 'r', 1, { a: text }], ['text', text], ['close', 'r', 1]]);
      }
    }
    const invalid: [string, string][] = [
      ['&#0;', 'invalid character reference: &#0;'],
      ['&#8;', 'invalid character reference: &#8;'],
      ['&#xD800;', 'invalid character reference: &#xD800;'],
      ['&#xFFFE;', 'invalid character reference: &#xFFFE;'],
      ['&#x110000;', 'invalid character reference: &#x110000;'],
      ['&#1114112;', 'invalid character reference: &#1114112;'],
      ['&#x000000041;', 'invalid character reference: &#x000000041;'],
      ['&#000000065;', 'invalid character reference: &#000000065;'],
      ['&#;', 'invalid character reference: &#;'],
      ['&#x;', 'invalid character reference: &#x;'],
      ['&#X41;', 'invalid character reference: &#X41;'],
      ['&#x4g;', 'invalid character reference: &#x4g;'],
      ['&#6a;', 'invalid character reference: &#6a;'],
      ['&#-65;', 'invalid character reference: &#-65;'],
      ['&#+65;', 'invalid character reference: &#+65;'],
      ['&#6 5;', 'invalid character reference: &#6 5;'],
      ['&LT;', 'undefined entity: LT'],
      ['&l;', 'undefined entity: l'],
      ['&lte;', 'undefined entity: lte'],
      ['&am;', 'undefined entity: am'],
      ['&amps;', 'undefined entity: amps'],
      ['&apo;', 'undefined entity: apo'],
      ['&quo;', 'undefined entity: quo'],
      ['&quote;', 'undefined entity: quote'],
      ['&qt;', 'undefined entity: qt'],
      ['&at;', 'undefined entity: at'],
      ['&ap;', 'undefined entity: ap'],
      ['&;', 'undefined entity: '],
      ['&nbsp;', 'undefined entity: nbsp'],
      // names of Object.prototype's properties are no entities either
      ['&constructor;', 'undefined entity: constructor'],
      ['&__proto__;', 'undefined entity: __proto__'],
      ['&toString;', 'undefined entity: toString'],
    ];
    for (const [ref, message] of invalid) {
      for (const xml of [`<r>ab${ref}</r>`, `<r a="ab${ref}"/>`]) {
        for (const size of [1, 4096]) {
          const err = await failure(xml, size);
          expect(err.message.startsWith(message), `${xml}: ${err.message}`).toBe(true);
          expect(err.position).toEqual({ line: 1, column: xml.indexOf('&') + 1 });
        }
      }
    }
  });

  it('reads a tag longer than many chunks', async () => {
    const long = 'x'.repeat(300_000);
    const got = await events(`<r v="${long}">${'y'.repeat(200_000)}</r>`, 1000, ['v']);
    expect(got[0]).toEqual(['open', 'r', 1, { v: long }]);
    expect(got[1]).toEqual(['text', 'y'.repeat(200_000)]);
  });

  describe('a tag with many attributes', () => {
    const tag = (n: number, extra = '') => `<r${Array.from({ length: n }, (_, i) => ` a${i}="${i}"`).join('')}${extra}/>`;

    it('finds each of them, through the index beyond 16, in any chunking', async () => {
      for (const n of [15, 16, 17, 40, 1000]) {
        const asked = ['a0', `a${n - 1}`, `a${n >> 1}`, 'a0', 'missing', `a${n}`];
        for (const size of [1, 13, 4096]) {
          const got: number[] = [];
          await parseXml(bytesSource(tag(n), size), { open: (_n, at) => got.push(...asked.map((x) => at.digits(x))) }, 8);
          expect(got).toEqual([0, n - 1, n >> 1, 0, -2, -2]);
        }
      }
    });

    it('refuses a duplicate wherever it is', async () => {
      for (const n of [2, 16, 17, 100, 5000]) {
        for (const dup of [0, n >> 1, n - 1]) {
          const err = await failure(tag(n, ` a${dup}="x"`), 4096);
          expect(err.message).toBe(`duplicate attribute: a${dup}`);
        }
      }
      // names whose hashes collide ("Aa" and "BB" hash alike) are still different names
      const colliding = Array.from({ length: 64 }, (_, i) => ['Aa', 'BB'][i & 1]! + ['Aa', 'BB'][(i >> 1) & 1]! + ['Aa', 'BB'][(i >> 2) & 1]! + ['Aa', 'BB'][(i >> 3) & 1]! + ['Aa', 'BB'][(i >> 4) & 1]! + ['Aa', 'BB'][(i >> 5) & 1]!);
      const got: number[] = [];
      await parseXml(bytesSource(`<r ${colliding.map((c, i) => `${c}="${i}"`).join(' ')}/>`, 7), { open: (_n, at) => got.push(...colliding.map((c) => at.digits(c))) }, 8);
      expect(got).toEqual(colliding.map((_c, i) => i));
      expect((await failure(`<r ${colliding.map((c, i) => `${c}="${i}"`).join(' ')} ${colliding[40]}="x"/>`)).message).toBe(`duplicate attribute: ${colliding[40]}`);
    });

    // 200,000 attributes took about 30 s when each was compared with every one before it
    it('reads 200,000 attributes in linear time, also in small chunks', async () => {
      const xml = tag(200_000);
      for (const size of [64 * 1024, 1000]) {
        const started = performance.now();
        let found = -1;
        await parseXml(bytesSource(xml, size), { open: (_n, at) => (found = at.digits('a199999')) }, 8);
        expect(found).toBe(199_999);
        expect(performance.now() - started).toBeLessThan(20_000);
      }
    });
  });

  it('refuses element and attribute names longer than 4 KiB, as soon as they are that long', async () => {
    const at4k = `e${'x'.repeat(4095)}`;
    for (const size of [7, 4096, 1 << 20]) {
      expect(await events(`<${at4k} ${at4k}="1"></${at4k}>`, size)).toEqual([
        ['open', at4k, 1, {}],
        ['close', at4k, 1],
      ]);
      expect((await failure(`<${at4k}y/>`, size)).message).toMatch(/^an element name longer than 4096 bytes/);
      expect((await failure(`<r ${at4k}y="1"/>`, size)).message).toMatch(/^an attribute name longer than 4096 bytes/);
      expect((await failure(`<r></${at4k}y>`, size)).message).toMatch(/^an element name longer than 4096 bytes/);
    }
    // a 10 MB name is refused at its first 4 KiB, never gathered whole (as a tag may be, up to 64 MiB)
    const started = performance.now();
    const err = await failure(`<${'n'.repeat(10_000_000)}/>`, 64 * 1024);
    expect(err.position).toEqual({ line: 1, column: 2 });
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses more than 1,000,000 attributes in one tag (their index would outgrow the memory bound)', async () => {
    const many = (n: number) => `<r${Array.from({ length: n }, (_, i) => ` a${i}=""`).join('')}/>`;
    let found = -3;
    await parseXml(bytesSource(many(1_000_000), 1 << 20), { open: (_n, at) => (found = at.digits('a999999')) }, 8);
    expect(found).toBe(-1); // present, empty
    expect((await failure(many(1_000_001), 1 << 20)).message).toBe('more than 1000000 attributes in one tag');
  });

  // A start tag just under 64 KiB was tokenised again from its start on every chunk that did not
  // complete it: in 2-byte chunks, 32,500 times (about 5 s; now about 60 ms).
  it('tokenises a long tag split over many small chunks only a few times', async () => {
    const xml = `<r v="${'x'.repeat(65_000)}" w="1"><e/></r>`;
    let opens = 0;
    const started = performance.now();
    await parseXml(bytesSource(xml, 2), { open: () => opens++ }, 8);
    expect(opens).toBe(2);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  const refused: [string, string, RegExp][] = [
    ['an internal subset', '<!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>', /internal subset.*undefined entity/],
    ['an undefined entity in text', '<r>&nbsp;</r>', /undefined entity: nbsp/],
    ['an undefined entity in an attribute', '<r a="&x;"/>', /undefined entity: x/],
    ['a bare &', '<r>a & b</r>', /reference/],
    ['an invalid character reference', '<r>&#0;</r>', /invalid character reference/],
    ['< in an attribute value', '<r a="<<computed>>"/>', /disallowed character in attribute value/],
    ['a mismatched close tag', '<r><a></b></r>', /unexpected close tag: b/],
    ['a duplicate attribute', '<r a="1" a="2"/>', /duplicate attribute: a/],
    ['an unquoted attribute', '<r a=1/>', /unquoted/],
    ['text before the root', 'x<r/>', /text data outside of root node/],
    ['a second root', '<r/><r/>', /only one root/],
    ['an empty document', '', /document must contain a root element/],
    ['an unclosed element', '<r><a>', /unclosed tag: a/],
    ['an unterminated comment', '<r><!-- x', /unclosed tag: r/],
    ['nesting beyond the cap', '<r>'.repeat(65) + '</r>'.repeat(65), /nestingDepth/],
  ];
  it.each(refused)('refuses %s', async (_what, xml, message) => {
    for (const size of [1, 7, 4096]) expect((await failure(xml, size)).message).toMatch(message);
  });

  it('says where the document broke, in lines and characters', async () => {
    const err = await failure('<r>\n  <a>\n  é&bad;</a></r>', 2);
    expect(err.position).toEqual({ line: 3, column: 4 });
    const handlerError = await parseXml(
      bytesSource('<r>\n\n<x/></r>', 3),
      {
        open(name) {
          if (name === 'x') throw new EvidenceError('no x here');
        },
      },
      8,
    ).then(
      () => undefined,
      (e: unknown) => e as EvidenceError,
    );
    expect(handlerError?.message).toBe('no x here');
    expect(handlerError?.position?.line).toBe(3);
  });
});
