import { Attr, Document, Element, Node, parseXmlDocument } from 'slimdom';
import { En16931Error } from './errors';

/** Largest document accepted (bytes of UTF-16 text); a real invoice is far below it. */
export const MAX_XML_LENGTH = 10 * 1024 * 1024;

export const NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
} as const;

/**
 * Parses XML text with slimdom. slimdom never fetches external entities or DTDs, so a hostile
 * document cannot read files or the network; a DOCTYPE is refused anyway since no UBL invoice has one.
 */
export function parseXml(xml: unknown): Document {
  if (typeof xml !== 'string') throw new En16931Error('XML_MALFORMED', 'must be a string', 'xml');
  if (xml.length > MAX_XML_LENGTH) {
    throw new En16931Error(
      'XML_TOO_LARGE',
      `${xml.length} characters exceed ${MAX_XML_LENGTH}`,
      'xml',
    );
  }
  if (/<!DOCTYPE/i.test(xml)) {
    throw new En16931Error('XML_MALFORMED', 'a DOCTYPE is not allowed in a UBL document', 'xml');
  }
  let doc: Document;
  try {
    doc = parseXmlDocument(xml);
  } catch (e) {
    const reason = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw new En16931Error('XML_MALFORMED', `not well-formed XML (${reason})`, 'xml');
  }
  if (!doc.documentElement) throw new En16931Error('XML_MALFORMED', 'no root element', 'xml');
  return doc;
}

/** A readable XPath for a node, e.g. `/Invoice[1]/cac:InvoiceLine[2]/cbc:ID[1]`. */
export function locationOf(node: Node): string {
  const steps: string[] = [];
  let current: Node | null = node;
  while (current && current.nodeType !== Node.DOCUMENT_NODE) {
    if (current.nodeType === Node.ELEMENT_NODE) {
      const el = current as Element;
      let index = 1;
      for (let s = el.previousElementSibling; s; s = s.previousElementSibling) {
        if (s.localName === el.localName && s.namespaceURI === el.namespaceURI) index++;
      }
      steps.push(`${el.nodeName}[${index}]`);
    } else if (current.nodeType === Node.ATTRIBUTE_NODE) {
      steps.push(`@${current.nodeName}`);
      current = (current as Attr).ownerElement;
      continue;
    } else {
      steps.push('node()');
    }
    current = current.parentNode;
  }
  return '/' + steps.reverse().join('/');
}
