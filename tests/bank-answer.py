#!/usr/bin/env python3
"""bank-answer.py: the bank's side, for tests: files a bank would send back
for a pain.001 that bidrag wrote, and BgMax files of incoming payments.
Python 3 standard library only; amounts are handled as integers of öre
(Decimal in, never float).

  bank-answer.py pain002 PAIN001 [--reject E2E:CODE[:TEXT]]... [--reject-file CODE[:TEXT]]
                 [--msg-id ID] [--no-namespace]
      A pain.002.001.03 status report answering PAIN001: every transaction
      accepted (ACCP) but those named rejected (RJCT with the reason code);
      --reject-file rejects the whole file at group level.  --no-namespace
      writes it without an XML namespace, as some banks do.

  bank-answer.py camt053 PAIN001 --date YYYY-MM-DD [--skip E2E]... [--return E2E:CODE]...
                 [--credit REF:AMOUNT[:NAME[:BANKREF]]]... [--currency SEK] [--opening AMOUNT]
                 [--credits-only]
      A camt.053.001.02 statement of the debtor's account (the pain.001's
      DbtrAcct) on that date: the pain.001's payments booked as one batch
      debit (one TxDtls each, EndToEndId as sent), but those skipped; a
      returned payment also comes back as a credit with RtrInf/Rsn/Cd;
      each --credit is an incoming payment with REF as a structured SCOR
      reference and BANKREF (default IN-n, its place) as the bank's own
      reference (TxDtls/Refs/AcctSvcrRef).  --currency sets the currency of
      the credits; --credits-only leaves the payments out.

  bank-answer.py camt054 PAIN001 --date YYYY-MM-DD [as camt053]
      The same entries as a camt.054.001.02 debit/credit notification
      (Ntfctn, no balances): what the bank notifies during the day and
      repeats in the day's camt.053.

  bank-answer.py bgmax --bankgiro BG --date YYYY-MM-DD [--pay REF:AMOUNT[:SENDERBG[:NAME]]]...
                 [--currency SEK] [--wrong-total] [--wrong-count]
      A BgMax file (ISO 8859-1, 80 columns, CRLF) of incoming payments on
      bankgiro BG: record 20 for each payment (reference code 2 when REF
      passes the Luhn check, else 4), 26 with the payer's name, one
      deposit 15 and the end record 70.  --wrong-total / --wrong-count
      spoil the 15's amount or the 70's count, for the reader to refuse.

Writes the file to standard output (bytes); errors to standard error, exit 2."""

import decimal
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape

PAIN001 = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03'
PAIN002 = 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.03'
CAMT053 = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.02'
CAMT054 = 'urn:iso:std:iso:20022:tech:xsd:camt.054.001.02'


def die(msg):
    sys.stderr.write('bank-answer.py: %s\n' % msg)
    sys.exit(2)


def to_ore(text):
    try:
        d = decimal.Decimal(text)
    except decimal.InvalidOperation:
        die('%r is not an amount' % text)
    q = d * 100
    if q != q.to_integral_value():
        die('%r has more than two decimals' % text)
    return int(q)


def amount(ore):
    sign = '-' if ore < 0 else ''
    ore = abs(ore)
    return '%s%d.%02d' % (sign, ore // 100, ore % 100)


def luhn_ok(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        v = int(c)
        if i % 2:
            v *= 2
            if v > 9:
                v -= 9
        total += v
    return total % 10 == 0


def read_pain001(path):
    ns = {'p': PAIN001}
    root = ET.parse(path).getroot()
    if root.tag != '{%s}Document' % PAIN001:
        die('%s is not a pain.001.001.03 (root %s)' % (path, root.tag))
    grp = root.find('p:CstmrCdtTrfInitn/p:GrpHdr', ns)
    pmt = root.find('p:CstmrCdtTrfInitn/p:PmtInf', ns)
    f = {
        'msg_id': grp.findtext('p:MsgId', namespaces=ns),
        'nb': grp.findtext('p:NbOfTxs', namespaces=ns),
        'ctrl_sum': grp.findtext('p:CtrlSum', namespaces=ns),
        'pmt_inf_id': pmt.findtext('p:PmtInfId', namespaces=ns),
        'date': pmt.findtext('p:ReqdExctnDt', namespaces=ns),
        'debtor': pmt.findtext('p:Dbtr/p:Nm', namespaces=ns),
        'account': pmt.findtext('p:DbtrAcct/p:Id/p:Othr/p:Id', namespaces=ns),
        'txs': [],
    }
    for tx in pmt.findall('p:CdtTrfTxInf', ns):
        amt = tx.find('p:Amt/p:InstdAmt', ns)
        f['txs'].append({
            'e2e': tx.findtext('p:PmtId/p:EndToEndId', namespaces=ns),
            'amount': to_ore(amt.text),
            'ccy': amt.get('Ccy'),
            'creditor': tx.findtext('p:Cdtr/p:Nm', namespaces=ns),
            'account': tx.findtext('p:CdtrAcct/p:Id/p:Othr/p:Id', namespaces=ns),
            'ref': tx.findtext('p:RmtInf/p:Strd/p:CdtrRefInf/p:Ref', namespaces=ns),
            'ustrd': tx.findtext('p:RmtInf/p:Ustrd', namespaces=ns),
        })
    return f


def options(argv, multi, single, flags):
    """argv into (positional, {opt: [values]}, {opt: value}, {flag})."""
    pos, many, one, on = [], {k: [] for k in multi}, {}, set()
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in multi or a in single:
            if i + 1 >= len(argv):
                die('%s needs a value' % a)
            if a in multi:
                many[a].append(argv[i + 1])
            else:
                one[a] = argv[i + 1]
            i += 2
        elif a in flags:
            on.add(a)
            i += 1
        elif a.startswith('--'):
            die('unknown option %s' % a)
        else:
            pos.append(a)
            i += 1
    return pos, many, one, on


def x(tag, text):
    return '<%s>%s</%s>' % (tag, escape(text), tag)


def pain002(argv):
    pos, many, one, on = options(argv, ['--reject'], ['--reject-file', '--msg-id'], ['--no-namespace'])
    if len(pos) != 1:
        die('pain002 PAIN001: one pain.001 file')
    f = read_pain001(pos[0])
    rejected = {}
    for r in many['--reject']:
        parts = r.split(':', 2)
        if len(parts) < 2:
            die('--reject E2E:CODE[:TEXT], got %r' % r)
        if parts[0] not in [t['e2e'] for t in f['txs']]:
            die('--reject %s: no such EndToEndId in %s' % (parts[0], pos[0]))
        rejected[parts[0]] = parts[1:]
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    out.append('<Document%s>' % ('' if '--no-namespace' in on else ' xmlns="%s"' % PAIN002))
    out.append('<CstmrPmtStsRpt><GrpHdr>%s%s<InitgPty><Nm>Testbanken</Nm></InitgPty></GrpHdr>'
               % (x('MsgId', one.get('--msg-id', 'STS-' + f['msg_id'])[:35]), x('CreDtTm', f['date'] + 'T09:00:00')))
    out.append('<OrgnlGrpInfAndSts>%s%s%s%s' % (x('OrgnlMsgId', f['msg_id']), x('OrgnlMsgNmId', 'pain.001.001.03'),
                                                x('OrgnlNbOfTxs', f['nb']), x('OrgnlCtrlSum', f['ctrl_sum'])))
    if '--reject-file' in one:
        code, _, text = one['--reject-file'].partition(':')
        out.append('<GrpSts>RJCT</GrpSts><StsRsnInf><Rsn>%s</Rsn>%s</StsRsnInf>'
                   % (x('Cd', code), x('AddtlInf', text) if text else ''))
        out.append('</OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>')
        return '\n'.join(out).encode('utf-8')
    status = 'PART' if rejected else 'ACCP'
    out.append('<GrpSts>%s</GrpSts></OrgnlGrpInfAndSts>' % status)
    out.append('<OrgnlPmtInfAndSts>%s%s%s<PmtInfSts>%s</PmtInfSts>'
               % (x('OrgnlPmtInfId', f['pmt_inf_id']), x('OrgnlNbOfTxs', f['nb']), x('OrgnlCtrlSum', f['ctrl_sum']),
                  status))
    for n, t in enumerate(f['txs'], 1):
        out.append('<TxInfAndSts>%s%s' % (x('StsId', 'S%d' % n), x('OrgnlEndToEndId', t['e2e'])))
        if t['e2e'] in rejected:
            code = rejected[t['e2e']]
            out.append('<TxSts>RJCT</TxSts><StsRsnInf><Rsn>%s</Rsn>%s</StsRsnInf>'
                       % (x('Cd', code[0]), x('AddtlInf', code[1]) if len(code) > 1 else ''))
        else:
            out.append('<TxSts>ACCP</TxSts>')
        out.append('<AcctSvcrRef>BANK-%d</AcctSvcrRef><OrgnlTxRef><Amt><InstdAmt Ccy="%s">%s</InstdAmt></Amt>'
                   '</OrgnlTxRef></TxInfAndSts>' % (n, t['ccy'], amount(t['amount'])))
    out.append('</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>')
    return '\n'.join(out).encode('utf-8')


def camt054(argv):
    return camt053(argv, notification=True)


def camt053(argv, notification=False):
    pos, many, one, on = options(argv, ['--skip', '--return', '--credit'], ['--date', '--currency', '--opening'],
                                 ['--credits-only'])
    if len(pos) != 1 or '--date' not in one:
        die('%s PAIN001 --date YYYY-MM-DD' % ('camt054' if notification else 'camt053'))
    f = read_pain001(pos[0])
    day = one['--date']
    ccy = one.get('--currency', 'SEK')
    known = [t['e2e'] for t in f['txs']]
    for e in many['--skip']:
        if e not in known:
            die('--skip %s: no such EndToEndId' % e)
    returns = {}
    for r in many['--return']:
        e, _, code = r.partition(':')
        if e not in known or not code:
            die('--return E2E:CODE with an EndToEndId of the file, got %r' % r)
        returns[e] = code
    booked = [t for t in f['txs'] if t['e2e'] not in many['--skip'] and '--credits-only' not in on]
    opening = to_ore(one.get('--opening', '1000000000.00'))
    debit = sum(t['amount'] for t in booked)
    entries = []
    if booked:
        txs = []
        for t in booked:
            rmt = ('<Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>%s</CdtrRefInf></Strd>'
                   % x('Ref', t['ref'])) if t['ref'] else (x('Ustrd', t['ustrd']) if t['ustrd'] else '')
            txs.append('<TxDtls><Refs>%s%s%s</Refs><AmtDtls><TxAmt><Amt Ccy="%s">%s</Amt></TxAmt></AmtDtls>'
                       '<RltdPties><Cdtr>%s</Cdtr></RltdPties>%s</TxDtls>'
                       % (x('MsgId', f['msg_id']), x('PmtInfId', f['pmt_inf_id']), x('EndToEndId', t['e2e']),
                          t['ccy'], amount(t['amount']), x('Nm', t['creditor'] or ''),
                          '<RmtInf>%s</RmtInf>' % rmt if rmt else ''))
        entries.append('<Ntry><NtryRef>1</NtryRef><Amt Ccy="%s">%s</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>'
                       '<BookgDt><Dt>%s</Dt></BookgDt><ValDt><Dt>%s</Dt></ValDt><AcctSvcrRef>BATCH-%s</AcctSvcrRef>'
                       '<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>'
                       '<NtryDtls><Btch>%s%s%s<TtlAmt Ccy="%s">%s</TtlAmt><CdtDbtInd>DBIT</CdtDbtInd></Btch>%s</NtryDtls>'
                       '</Ntry>'
                       % ('SEK', amount(debit), day, day, escape(f['msg_id'][:28]), x('MsgId', f['msg_id']),
                          x('PmtInfId', f['pmt_inf_id']), x('NbOfTxs', str(len(booked))), 'SEK', amount(debit),
                          ''.join(txs)))
    credit = 0
    n = len(entries)
    for t in booked:
        if t['e2e'] not in returns:
            continue
        n += 1
        credit += t['amount']
        entries.append('<Ntry><NtryRef>%d</NtryRef><Amt Ccy="%s">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
                       '<BookgDt><Dt>%s</Dt></BookgDt><ValDt><Dt>%s</Dt></ValDt>'
                       '<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>ICDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>'
                       '<NtryDtls><TxDtls><Refs>%s</Refs><AmtDtls><TxAmt><Amt Ccy="%s">%s</Amt></TxAmt></AmtDtls>'
                       '<RtrInf><Rsn>%s</Rsn>%s</RtrInf></TxDtls></NtryDtls></Ntry>'
                       % (n, t['ccy'], amount(t['amount']), day, day, x('EndToEndId', t['e2e']), t['ccy'],
                          amount(t['amount']), x('Cd', returns[t['e2e']]), x('AddtlInf', 'Returned by the payee bank')))
    for c in many['--credit']:
        parts = c.split(':', 3)
        if len(parts) < 2:
            die('--credit REF:AMOUNT[:NAME[:BANKREF]], got %r' % c)
        bankref = parts[3] if len(parts) > 3 else 'IN-%d' % (n + 1)
        ore = to_ore(parts[1])
        credit += ore
        n += 1
        entries.append('<Ntry><NtryRef>%d</NtryRef><Amt Ccy="%s">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>'
                       '<BookgDt><Dt>%s</Dt></BookgDt><ValDt><Dt>%s</Dt></ValDt>'
                       '<BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>DMCT</SubFmlyCd></Fmly></Domn></BkTxCd>'
                       '<NtryDtls><TxDtls><Refs>%s</Refs>'
                       '<AmtDtls><TxAmt><Amt Ccy="%s">%s</Amt></TxAmt></AmtDtls>'
                       '<RltdPties><Dbtr>%s</Dbtr></RltdPties>'
                       '<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>%s</CdtrRefInf></Strd>'
                       '</RmtInf></TxDtls></NtryDtls></Ntry>'
                       % (n, ccy, amount(ore), day, day, x('AcctSvcrRef', bankref), ccy, amount(ore),
                          x('Nm', parts[2] if len(parts) > 2 else 'Inbetalare'), x('Ref', parts[0])))
    closing = opening - debit + credit
    def bal(code, value):
        return ('<Bal><Tp><CdOrPrtry><Cd>%s</Cd></CdOrPrtry></Tp><Amt Ccy="SEK">%s</Amt><CdtDbtInd>%s</CdtDbtInd>'
                '<Dt><Dt>%s</Dt></Dt></Bal>' % (code, amount(abs(value)), 'CRDT' if value >= 0 else 'DBIT', day))
    if notification:
        out = ['<?xml version="1.0" encoding="UTF-8"?>', '<Document xmlns="%s">' % CAMT054,
               '<BkToCstmrDbtCdtNtfctn><GrpHdr>%s%s</GrpHdr>' % (x('MsgId', ('NTF-' + day + '-' + f['msg_id'])[:35]),
                                                                x('CreDtTm', day + 'T12:00:00')),
               '<Ntfctn>%s%s<Acct><Id><Othr>%s<SchmeNm><Prtry>BGNR</Prtry></SchmeNm></Othr></Id><Ccy>SEK</Ccy>'
               '<Ownr>%s</Ownr></Acct>' % (x('Id', ('N-' + day)[:35]), x('CreDtTm', day + 'T12:00:00'),
                                            x('Id', f['account']), x('Nm', f['debtor']))] + entries + [
               '</Ntfctn></BkToCstmrDbtCdtNtfctn></Document>']
        return '\n'.join(out).encode('utf-8')
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<Document xmlns="%s">' % CAMT053,
           '<BkToCstmrStmt><GrpHdr>%s%s</GrpHdr>' % (x('MsgId', ('STMT-' + day + '-' + f['msg_id'])[:35]),
                                                      x('CreDtTm', day + 'T23:00:00')),
           '<Stmt>%s%s<Acct><Id><Othr>%s<SchmeNm><Prtry>BGNR</Prtry></SchmeNm></Othr></Id><Ccy>SEK</Ccy>'
           '<Ownr>%s</Ownr></Acct>' % (x('Id', ('S-' + day)[:35]), x('CreDtTm', day + 'T23:00:00'),
                                        x('Id', f['account']), x('Nm', f['debtor'])),
           bal('OPBD', opening), bal('CLBD', closing)] + entries + ['</Stmt></BkToCstmrStmt></Document>']
    return '\n'.join(out).encode('utf-8')


def bgmax(argv):
    pos, many, one, on = options(argv, ['--pay'], ['--bankgiro', '--date', '--currency'],
                                 ['--wrong-total', '--wrong-count'])
    if pos or '--bankgiro' not in one or '--date' not in one:
        die('bgmax --bankgiro BG --date YYYY-MM-DD --pay REF:AMOUNT[:SENDERBG[:NAME]]...')
    bg = ''.join(c for c in one['--bankgiro'] if c.isdigit())
    day = one['--date'].replace('-', '')
    ccy = one.get('--currency', 'SEK')

    def rec(s):
        if len(s) > 80:
            die('internal: a record of %d columns' % len(s))
        return s.ljust(80)

    lines = [rec('01' + 'BGMAX'.ljust(20) + '01' + day + '120000000000' + 'T'),
             rec('05' + bg.rjust(10, '0') + ' ' * 10 + ccy)]
    total = 0
    for k, p in enumerate(many['--pay'], 1):
        parts = p.split(':', 3)
        if len(parts) < 2:
            die('--pay REF:AMOUNT[:SENDERBG[:NAME]], got %r' % p)
        ref, ore = parts[0], to_ore(parts[1])
        sender = ''.join(c for c in (parts[2] if len(parts) > 2 else '') if c.isdigit())
        code = '2' if ref.isdigit() and len(ref) >= 2 and luhn_ok(ref) else '4'
        total += ore
        lines.append(rec('20' + sender.rjust(10, '0') + ref.rjust(25) + str(ore).rjust(18, '0') + code + '1' +
                         str(k).rjust(12, '0') + '0'))
        if len(parts) > 3:
            lines.append(rec('26' + parts[3][:35]))
    count = len(many['--pay'])
    lines.append(rec('15' + '58410000010098'.rjust(35, '0') + day + '00001' +
                     str(total + (100 if '--wrong-total' in on else 0)).rjust(18, '0') + ccy +
                     str(count).rjust(8, '0')))
    lines.append(rec('70' + str(count + (1 if '--wrong-count' in on else 0)).rjust(8, '0') + '0' * 8 + '0' * 8 +
                     '1'.rjust(8, '0')))
    return ('\r\n'.join(lines) + '\r\n').encode('latin-1')


def main(argv):
    if not argv or argv[0] not in ('pain002', 'camt053', 'camt054', 'bgmax'):
        die('usage: bank-answer.py pain002|camt053|camt054|bgmax ... (see the file\'s head)')
    data = {'pain002': pain002, 'camt053': camt053, 'camt054': camt054, 'bgmax': bgmax}[argv[0]](argv[1:])
    sys.stdout.buffer.write(data)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
