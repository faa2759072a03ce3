// The part of fontoxpath's API this repository uses, declared here (tsconfig.typecheck.json
// maps `fontoxpath` here for `npm run typecheck` only: tsconfig.json has no such path, because
// @swc-node/register applies tsconfig paths at run time too, where the real package must load).
// fontoxpath's own declarations begin with `/// <reference lib="dom" />`, which would put the
// browser DOM library into the whole program and change Node's typings everywhere else
// (webcrypto, BufferSource, fetch). The signatures follow fontoxpath 3.x's documentation.
import type { Node } from 'slimdom';

export type Options = Readonly<Record<string, unknown>>;
type Variables = Readonly<Record<string, unknown>> | null;
type Evaluate<R> = (
  selector: string,
  contextItem?: unknown,
  domFacade?: unknown,
  variables?: Variables,
  options?: Options | null,
) => R;

export declare const evaluateXPath: Evaluate<unknown>;
export declare const evaluateXPathToBoolean: Evaluate<boolean>;
export declare const evaluateXPathToNumber: Evaluate<number>;
export declare const evaluateXPathToNumbers: Evaluate<number[]>;
export declare const evaluateXPathToString: Evaluate<string>;
export declare const evaluateXPathToStrings: Evaluate<string[]>;
export declare const evaluateXPathToArray: Evaluate<unknown[]>;
export declare const evaluateXPathToMap: Evaluate<Record<string, unknown>>;
export declare function evaluateXPathToNodes<T = Node>(
  selector: string,
  contextItem?: unknown,
  domFacade?: unknown,
  variables?: Variables,
  options?: Options | null,
): T[];
export declare function evaluateXPathToFirstNode<T = Node>(
  selector: string,
  contextItem?: unknown,
  domFacade?: unknown,
  variables?: Variables,
  options?: Options | null,
): T | null;
export declare function registerCustomXPathFunction(
  name: string | { namespaceURI: string; localName: string },
  signature: string[],
  returnType: string,
  callback: (dynamicContext: unknown, ...args: never[]) => unknown,
): void;
export declare function precompileXPath(selector: string): Promise<void>;
