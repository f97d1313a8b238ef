#!/usr/bin/env python3
"""sie-read.py [--json] [--strict] FILE...: an SIE 4 reader for the test suite.

Written from SIE-Gruppen's specification (SIE filformat, utgåva 4B,
2008-09-30; /work/shared/data/bank/sie/) with the Python standard library
only, independently of bidrag's writer (src/io/sie.c), so that a test can
read back what the writer wrote.  It checks what the specification requires
of a file of type 4 and, above all, that every verifikation balances:

  - the file is PC8 (codepage 437), records end with LF (a CR before it is
    allowed), #FLAGGA is the first record, #FORMAT PC8 and #SIETYP 4 are
    there (§5, §6, §11);
  - fields are separated by blanks or tabs, may be quoted, and a '"' inside
    a quoted field is escaped with a backslash (§5.7); no control
    characters inside a field;
  - amounts have at most two decimals and a '.' (§5.9); dates are YYYYMMDD
    and exist (§5.10);
  - every #VER is followed by its rows in braces, each brace alone on its
    line (§5.4), the rows are #TRANS (#RTRANS must be followed by an
    identical #TRANS, #BTRANS is a removed row; §11), and the #TRANS
    amounts of each #VER add up to zero (§11 #TRANS 4): amounts are summed
    as integers of öre, never as floating point;
  - numbered verifikationer rise within a series (§11 #VER 7);
  - with --strict (for files bidrag wrote): every account a row uses is
    declared with #KONTO, every object with #OBJEKT, every dimension with
    #DIM or #UNDERDIM, #RAR 0 is there and every verifikation lies within
    a #RAR year.

Prints one line "FILE: N verifikationer, M rader, balanserar" per file, or
with --json the whole file as JSON (amounts in öre as integers).  Exit 1
with "FILE:LINE: what is wrong" on the first error."""

import datetime
import json
import re
import sys


class SieError(Exception):
    pass


AMOUNT = re.compile(r'^(-?)(\d+)(?:\.(\d{1,2}))?$')


def ore(text, where):
    m = AMOUNT.match(text)
    if not m:
        raise SieError('%s: %r is not an amount (expected digits, an optional "-" and at most two '
                       'decimals after a ".")' % (where, text))
    frac = (m.group(3) or '').ljust(2, '0')
    value = int(m.group(2)) * 100 + int(frac)
    return -value if m.group(1) else value


def date(text, where):
    if not re.match(r'^\d{8}$', text or ''):
        raise SieError('%s: %r is not a date (expected YYYYMMDD)' % (where, text))
    try:
        datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise SieError('%s: %r is not a date that exists' % (where, text))
    return text


def tokens(line, where, warnings):
    """The fields of one record: strings, and lists for {object lists}.  A
    quoted field left open ends with the line, with a warning: real files
    have them (a text cut at a fixed width), and the fields before it are
    intact."""
    out, i, n = [], 0, len(line)
    stack = [out]
    while i < n:
        c = line[i]
        if c in ' \t':
            i += 1
        elif c == '"':
            i += 1
            buf = []
            while True:
                if i >= n:
                    warnings.append('%s: a quoted field is not closed before the end of the line' % where)
                    break
                if line[i] == '\\' and i + 1 < n and line[i + 1] == '"':
                    buf.append('"')
                    i += 2
                elif line[i] == '"':
                    i += 1
                    break
                else:
                    buf.append(line[i])
                    i += 1
            stack[-1].append(''.join(buf))
        elif c == '{':
            lst = []
            stack[-1].append(lst)
            stack.append(lst)
            i += 1
        elif c == '}':
            if len(stack) == 1:
                raise SieError('%s: a "}" without its "{"' % where)
            stack.pop()
            i += 1
        else:
            j = i
            while j < n and line[j] not in ' \t{}"':
                j += 1
            stack[-1].append(line[i:j])
            i = j
    if len(stack) != 1:
        raise SieError('%s: a "{" without its "}"' % where)
    return out


def objects(lst, where):
    if not isinstance(lst, list):
        raise SieError('%s: expected an object list in braces, got %r' % (where, lst))
    if len(lst) % 2:
        raise SieError('%s: the object list %r is not pairs of dimension and object' % (where, lst))
    pairs = []
    for k in range(0, len(lst), 2):
        dim, obj = lst[k], lst[k + 1]
        if not re.match(r'^\d+$', str(dim)):
            raise SieError('%s: dimension %r in the object list is not a number' % (where, dim))
        pairs.append([int(dim), obj])
    return pairs


def read(path):
    raw = open(path, 'rb').read()
    text = raw.decode('cp437')  # every byte is a character in codepage 437
    sie = {'file': path, 'konto': {}, 'dim': {}, 'underdim': {}, 'objekt': {}, 'rar': {}, 'ver': [],
           'warnings': []}
    lines = text.split('\n')
    if lines and lines[-1] == '':
        lines.pop()
    first = True
    ver = None          # the #VER whose rows are being read
    in_rows = False
    pending_rtrans = None
    last_number = {}
    for no, line in enumerate(lines, 1):
        where = '%s:%d' % (path, no)
        if line.endswith('\r'):
            line = line[:-1]
        for ch in line:
            if ord(ch) < 32 and ch != '\t':
                raise SieError('%s: a control character (%r) in the record' % (where, ch))
        if not line.strip():
            continue
        stripped = line.strip()
        if stripped == '{':
            if ver is None or in_rows:
                raise SieError('%s: a "{" that follows no #VER' % where)
            in_rows = True
            continue
        if stripped == '}':
            if not in_rows:
                raise SieError('%s: a "}" that closes no verifikation' % where)
            if pending_rtrans:
                raise SieError('%s: #RTRANS on line %d is not followed by its #TRANS' % (where, pending_rtrans[0]))
            total = sum(t['amount'] for t in ver['trans'])
            if total != 0:
                raise SieError('%s: verifikation %s %s (%s) does not balance: its #TRANS add up to %d öre, '
                               'expected 0' % (where, ver['series'], ver['number'], ver['date'], total))
            in_rows = False
            ver = None
            continue
        f = tokens(stripped, where, sie['warnings'])
        label = f[0]
        if not isinstance(label, str) or not label.startswith('#'):
            raise SieError('%s: expected a record starting with a label such as #VER, got %r' % (where, label))
        if first and label != '#FLAGGA':
            raise SieError('%s: the first record is %s, expected #FLAGGA' % (where, label))
        first = False
        args = f[1:]
        if ver is not None and not in_rows:
            raise SieError('%s: #VER on the line before is not followed by "{"' % where)
        if in_rows:
            if label not in ('#TRANS', '#RTRANS', '#BTRANS'):
                raise SieError('%s: %s inside a verifikation (expected #TRANS, #RTRANS or #BTRANS)' % (where, label))
            if len(args) < 3:
                raise SieError('%s: %s needs an account, an object list and an amount' % (where, label))
            row = {'account': args[0], 'objects': objects(args[1], where), 'amount': ore(args[2], where)}
            if len(args) > 3 and args[3] != '':
                row['transdat'] = date(args[3], where)
            if len(args) > 4:
                row['text'] = args[4]
            if label == '#RTRANS':
                pending_rtrans = (no, args)
                ver.setdefault('rtrans', []).append(row)
            elif label == '#BTRANS':
                ver.setdefault('btrans', []).append(row)
            else:
                if pending_rtrans:
                    if pending_rtrans[1] != args:
                        raise SieError('%s: the #TRANS after #RTRANS on line %d is not the same row'
                                       % (where, pending_rtrans[0]))
                    pending_rtrans = None
                ver['trans'].append(row)
            continue
        if label == '#FLAGGA':
            sie['flagga'] = args[0] if args else None
        elif label == '#FORMAT':
            if args != ['PC8']:
                raise SieError('%s: #FORMAT %s, expected PC8 (the only one the spec allows)' % (where, args))
            sie['format'] = 'PC8'
        elif label == '#SIETYP':
            sie['sietyp'] = args[0] if args else None
        elif label == '#PROGRAM':
            sie['program'] = args
        elif label == '#GEN':
            sie['gen'] = [date(args[0], where)] + args[1:]
        elif label == '#FNAMN':
            sie['fnamn'] = args[0]
        elif label == '#ORGNR':
            if not re.match(r'^\d{6}-\d{4}$', args[0]):
                raise SieError('%s: #ORGNR %r lacks the "-" after the sixth digit' % (where, args[0]))
            sie['orgnr'] = args[0]
        elif label == '#RAR':
            sie['rar'][args[0]] = [date(args[1], where), date(args[2], where)]
        elif label == '#KPTYP':
            sie['kptyp'] = args[0]
        elif label == '#VALUTA':
            sie['valuta'] = args[0]
        elif label == '#KONTO':
            if not re.match(r'^\d+$', args[0]):
                # §11 #KONTO 2 asks for numeric accounts; real files break it
                # (a "DIFF" account), so only --strict refuses it.
                sie['warnings'].append('%s: account %r is not numeric' % (where, args[0]))
            sie['konto'][args[0]] = args[1] if len(args) > 1 else ''
        elif label == '#DIM':
            sie['dim'][int(args[0])] = args[1]
        elif label == '#UNDERDIM':
            sie['underdim'][int(args[0])] = [args[1], int(args[2])]
        elif label == '#OBJEKT':
            sie['objekt'].setdefault(int(args[0]), {})[args[1]] = args[2] if len(args) > 2 else ''
        elif label == '#VER':
            if len(args) < 3:
                raise SieError('%s: #VER needs a series, a number and a date' % where)
            ver = {'series': args[0], 'number': args[1], 'date': date(args[2], where),
                   'text': args[3] if len(args) > 3 else '', 'trans': [], 'line': no}
            if len(args) > 4 and args[4] != '':
                ver['regdate'] = date(args[4], where)
            if ver['number'] != '':
                if not re.match(r'^\d+$', ver['number']):
                    raise SieError('%s: verifikation number %r is not a number' % (where, ver['number']))
                prev = last_number.get(ver['series'])
                if prev is not None and int(ver['number']) <= prev:
                    raise SieError('%s: verifikation %s %s comes after %s %d (numbers must rise within a series)'
                                   % (where, ver['series'], ver['number'], ver['series'], prev))
                last_number[ver['series']] = int(ver['number'])
            sie['ver'].append(ver)
        # Other labels (#IB, #UB, #RES, #PSALDO, #KTYP, #SRU, #ADRESS, ...)
        # are read past: the spec asks a reader to ignore what it does not use.
    if ver is not None:
        raise SieError('%s: the file ends inside verifikation %s %s (no "}")' % (path, ver['series'], ver['number']))
    for need in ('flagga', 'format', 'sietyp'):
        if need not in sie:
            raise SieError('%s: no #%s record' % (path, need.upper()))
    if sie['sietyp'] != '4':
        raise SieError('%s: #SIETYP %s, expected 4' % (path, sie['sietyp']))
    return sie


def strict(sie):
    """What bidrag promises of its own files: everything used is declared."""
    if sie['warnings']:
        raise SieError(sie['warnings'][0])
    dims = set(sie['dim']) | set(sie['underdim'])
    if '0' not in sie['rar']:
        raise SieError('%s: no #RAR 0' % sie['file'])
    for v in sie['ver']:
        where = '%s:%d: verifikation %s %s' % (sie['file'], v['line'], v['series'], v['number'])
        if not any(y[0] <= v['date'] <= y[1] for y in sie['rar'].values()):
            raise SieError('%s: dated %s, outside every #RAR year' % (where, v['date']))
        for t in v['trans']:
            if t['account'] not in sie['konto']:
                raise SieError('%s: account %s has no #KONTO' % (where, t['account']))
            for dim, obj in t['objects']:
                if dim not in dims:
                    raise SieError('%s: dimension %d has no #DIM' % (where, dim))
                if obj not in sie['objekt'].get(dim, {}):
                    raise SieError('%s: object %r of dimension %d has no #OBJEKT' % (where, obj, dim))


def main(argv):
    as_json = '--json' in argv
    is_strict = '--strict' in argv
    files = [a for a in argv if not a.startswith('--')]
    if not files:
        sys.stderr.write('usage: sie-read.py [--json] [--strict] FILE...\n')
        return 2
    out = []
    for path in files:
        try:
            sie = read(path)
            if is_strict:
                strict(sie)
        except SieError as e:
            sys.stderr.write('%s\n' % e)
            return 1
        except (OSError, UnicodeDecodeError) as e:
            sys.stderr.write('%s: %s\n' % (path, e))
            return 1
        rows = sum(len(v['trans']) for v in sie['ver'])
        if as_json:
            sie['dim'] = {str(k): v for k, v in sie['dim'].items()}
            sie['underdim'] = {str(k): v for k, v in sie['underdim'].items()}
            sie['objekt'] = {str(k): v for k, v in sie['objekt'].items()}
            out.append(sie)
        else:
            print('%s: %d verifikationer, %d rader, balanserar' % (path, len(sie['ver']), rows))
    if as_json:
        json.dump(out if len(out) > 1 else out[0], sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write('\n')
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
