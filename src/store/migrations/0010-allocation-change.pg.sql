-- 0010-allocation-change.pg.sql: the kinds allocation-raise and
-- allocation-reduce let into ledger_event: the kind's CHECK widened again.
ALTER TABLE ledger_event DROP CONSTRAINT ledger_event_kind_check;
ALTER TABLE ledger_event ADD CONSTRAINT ledger_event_kind_check
	CHECK (kind = 'payment' OR kind = 'attest' OR kind = 'execute' OR kind = 'requisition'
	       OR kind = 'lapse' OR kind = 'repay-claim' OR kind = 'repay-receive'
	       OR kind = 'report' OR kind = 'correction' OR kind = 'bank-accept' OR kind = 'bank-book'
	       OR kind = 'bank-reject' OR kind = 'bank-return' OR kind = 'allocation-raise'
	       OR kind = 'allocation-reduce');
