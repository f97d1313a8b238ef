-- 0009-bank.pg.sql: the bank's answers about a payment become ledger
-- event kinds (core's ledger.h): the kind's CHECK of 0002 widened.
ALTER TABLE ledger_event DROP CONSTRAINT ledger_event_kind_check;
ALTER TABLE ledger_event ADD CONSTRAINT ledger_event_kind_check
	CHECK (kind = 'payment' OR kind = 'attest' OR kind = 'execute' OR kind = 'requisition'
	       OR kind = 'lapse' OR kind = 'repay-claim' OR kind = 'repay-receive'
	       OR kind = 'report' OR kind = 'correction' OR kind = 'bank-accept' OR kind = 'bank-book'
	       OR kind = 'bank-reject' OR kind = 'bank-return');
