import assert from 'node:assert/strict';
import { XmlSyntaxError, child, elements, parseXml, textOf } from './xml-tree.js';

describe('parseXml', () => {
  it('keeps element order, namespaces, attributes and text', () => {
    const root = parseXml('<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><a xmlns="urn:a" xmlns:b="urn:b"><b:x k="1 &amp; 2">T&#x41;&lt;</b:x><y/><![CDATA[<raw>]]></a>\n');
    assert.equal(root.ns, 'urn:a');
    assert.deepEqual(elements(root).map((e) => [e.name, e.ns]), [['b:x', 'urn:b'], ['y', 'urn:a']]);
    assert.equal(child(root, 'x')!.attrs.k, '1 & 2');
    assert.equal(textOf(child(root, 'x')!), 'TA<');
    assert.equal(textOf(root), 'TA<<raw>');
  });

  it('refuses what is not well-formed, saying where', () => {
    const bad: [string, RegExp][] = [
      ['<a><b></a></b>', /closes <b>/],
      ['<a>', /never closed/],
      ['<a x=1/>', /must be quoted/],
      ['<a x="1" x="2"/>', /Duplicate attribute/],
      ['<a>Tom & Jerry</a>', /must start a reference/],
      ['<a>&nbsp;</a>', /Unknown entity/],
      ['<a/><b/>', /Only comments/],
      ['<p:a/>', /prefix "p" is not declared/],
      ['<a><!-- a -- b --></a>', /"--"/],
      ['<!DOCTYPE a [<!ENTITY x "y">]><a/>', /DOCTYPE/],
      ['<a>]]></a>', /"\]\]>"/],
      ['<a>\u0001</a>', /Illegal character/],
      [' <?xml version="1.0"?><a/>', /must come first/],
      ['<a x="1"y="2"/>', /separated by white space/],
    ];
    for (const [xml, why] of bad) {
      assert.throws(() => parseXml(xml), (e: unknown) => e instanceof XmlSyntaxError && why.test(e.message) && e.line >= 1, xml);
    }
  });

  it('reports the line of an error', () => {
    assert.throws(() => parseXml('<a>\n<b>\n</c>\n</a>'), (e: unknown) => e instanceof XmlSyntaxError && e.line === 3);
  });
});
