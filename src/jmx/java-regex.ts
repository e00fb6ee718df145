/*
 * The parts of Java's regular expressions and the JMX exporter's naming that its rules depend on, done the
 * way the JMX exporter does them, so a rules file gives the same names here as there.
 */

/** A rule's pattern as the JMX exporter compiles it: found anywhere in the line, which it must match whole. */
export function compileRulePattern(pattern: string): RegExp {
  return new RegExp(`^.*(?:${pattern}).*$`);
}

/** A match of the pattern in which no group took part: every numbered and named group there, all undefined. */
export function emptyMatch(pattern: RegExp): RegExpExecArray {
  return new RegExp(`${pattern.source}|`).exec('')!;
}

/** Capturing groups of a compiled pattern. */
export function groupCount(pattern: RegExp): number {
  return emptyMatch(pattern).length - 1;
}

/**
 * Java's Matcher.replaceAll template on a whole-line match: `$n` (as many digits as name an existing group),
 * `${name}`, `\x` for a literal x; a group that took no part in the match gives ''. Throws on a reference to a
 * group that does not exist, as Java does.
 */
export function expandReplacement(template: string, match: RegExpExecArray): string {
  const groups = match.length - 1;
  let out = '';
  for (let index = 0; index < template.length; index++) {
    const char = template[index]!;
    if (char === '\\') {
      index++;
      if (index >= template.length) throw new Error(`${JSON.stringify(template)}: a trailing \\ escapes nothing`);
      out += template[index];
    } else if (char === '$') {
      index++;
      const next = template[index];
      if (next === '{') {
        const end = template.indexOf('}', index);
        const name = end < 0 ? '' : template.slice(index + 1, end);
        if (!match.groups || !(name in match.groups))
          throw new Error(`${JSON.stringify(template)}: no group named ${JSON.stringify(name)}`);
        out += match.groups[name] ?? '';
        index = end;
      } else if (next !== undefined && next >= '0' && next <= '9') {
        let group = Number(next);
        if (group > groups) throw new Error(`${JSON.stringify(template)}: no group ${group} (the pattern has ${groups})`);
        while (index + 1 < template.length && /[0-9]/.test(template[index + 1]!)) {
          const longer = group * 10 + Number(template[index + 1]);
          if (longer > groups) break;
          group = longer;
          index++;
        }
        out += match[group] ?? '';
      } else {
        throw new Error(`${JSON.stringify(template)}: $ must be followed by a group number or {name}`);
      }
    } else {
      out += char;
    }
  }
  return out;
}

/** The JMX exporter's safe name: a leading digit gets a `_`, every run of other characters and `_` becomes one `_`. */
export function safeName(name: string): string {
  let out = name !== '' && name[0]! >= '0' && name[0]! <= '9' ? '_' : '';
  let lastWasUnderscore = false;
  for (const char of name) {
    const code = char.charCodeAt(0);
    const legal = (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 58);
    if (legal) {
      out += char;
      lastWasUnderscore = false;
    } else if (!lastWasUnderscore) {
      out += '_';
      lastWasUnderscore = true;
    }
  }
  return out;
}

/** attrNameSnakeCase: `_` before an upper-case letter that follows neither another nor `_`, then lower case. */
export function snakeCase(name: string): string {
  let out = '';
  let previous = '';
  for (const char of name) {
    const upper = char >= 'A' && char <= 'Z';
    if (upper && previous !== '' && !(previous >= 'A' && previous <= 'Z') && previous !== '_') out += '_';
    out += char;
    previous = char;
  }
  return out.toLowerCase();
}

const RESERVED_SUFFIXES = ['_total', '_created', '_bucket', '_info'];

/** The Prometheus client library's metric name: the reserved suffixes stripped, again and again. */
export function withoutReservedSuffixes(name: string): string {
  let stripped = name;
  for (let again = true; again; ) {
    again = false;
    // A name that is only a suffix loses just its leading _ ("_total" -> "total"), as in client_java.
    const bare = RESERVED_SUFFIXES.find((suffix) => stripped === suffix);
    if (bare) return bare.slice(1);
    for (const suffix of RESERVED_SUFFIXES) {
      if (stripped.endsWith(suffix)) {
        stripped = stripped.slice(0, -suffix.length);
        again = true;
        break;
      }
    }
  }
  return stripped;
}

/**
 * Text a line must hold for the pattern to match it: the literal runs of the pattern's top level (outside groups
 * and classes, without characters a quantifier may drop). Nothing for a pattern with a top-level alternation.
 * Checking these with includes() first spares most lines most of the rules' regular expressions.
 */
export function requiredLiterals(pattern: string): string[] {
  const runs: string[] = [];
  let run = '';
  const end = () => {
    if (run !== '') runs.push(run);
    run = '';
  };
  let depth = 0;
  let inClass = false;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index]!;
    const next = pattern[index + 1];
    if (char === '\\') {
      index++;
      if (inClass || depth > 0) continue;
      const after = pattern[index + 1] ?? '';
      // \w, \d and the like are classes, and an escaped character a quantifier follows may be absent.
      if (/[a-zA-Z0-9]/.test(next ?? '') || (after !== '' && '*?{'.includes(after))) end();
      else {
        run += next ?? '';
        if (after === '+') end();
      }
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') {
      inClass = true;
      end();
    } else if (char === '(') {
      depth++;
      end();
    } else if (char === ')') {
      depth--;
    } else if (depth > 0) {
      continue;
    } else if (char === '|') {
      return [];
    } else if (char === '{') {
      end();
      index = Math.max(index, pattern.indexOf('}', index));
    } else if ('.^$*+?'.includes(char)) {
      end();
    } else if (next !== undefined && '*?{'.includes(next)) {
      end();
    } else {
      run += char;
      if (next === '+') end();
    }
  }
  end();
  return runs;
}
