/**
 * Strict XML reader for request bodies. Protects the parser from hostile input: the caller caps
 * the body size before parsing; any DTD, entity declaration or processing instruction other
 * than the XML declaration is refused (no XXE, no entity expansion); malformed XML is an error.
 * Produces a small element tree with local names (namespaces are checked by the caller if needed).
 */
import { SaxesParser } from 'saxes';
import { AppError } from '../../../core/index.js';

export interface XmlElement {
  name: string;
  namespace: string;
  text: string;
  children: XmlElement[];
}

const MAX_DEPTH = 32;

export function parseXml(input: Buffer | string): XmlElement {
  const xml = typeof input === 'string' ? input : input.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw malformed('DTDs and entity declarations are not allowed');
  const parser = new SaxesParser({ xmlns: true, position: false });
  const root: XmlElement = { name: '', namespace: '', text: '', children: [] };
  const stack: XmlElement[] = [root];
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
  });
  parser.on('doctype', () => {
    failure ??= new Error('doctype');
  });
  parser.on('processinginstruction', () => {
    failure ??= new Error('processing instruction');
  });
  parser.on('opentag', (tag) => {
    if (stack.length > MAX_DEPTH) {
      failure ??= new Error('too deep');
      return;
    }
    const element: XmlElement = { name: tag.local ?? tag.name, namespace: tag.uri ?? '', text: '', children: [] };
    stack.at(-1)?.children.push(element);
    stack.push(element);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top && top !== root) top.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  try {
    parser.write(xml).close();
  } catch (error) {
    failure ??= error as Error;
  }
  const document = root.children[0];
  if (failure || !document || root.children.length !== 1) throw malformed(failure?.message ?? 'no document element');
  return document;
}

function malformed(reason: string): AppError {
  return new AppError('MalformedXML', { details: { reason } });
}

export function child(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

export function children(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}
