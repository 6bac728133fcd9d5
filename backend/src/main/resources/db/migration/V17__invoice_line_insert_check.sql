-- Lines may only be added to draft invoices (V14). V14 checked that row by row, with a look-up of the invoice for
-- every inserted line: 80,000 look-ups through PL/pgSQL in a 10,000-tenant bill run, a large share of its write
-- time. Inserts are now checked once per statement, over all the lines it inserted (a transition table); updates
-- and deletes keep the row-level check.

DROP TRIGGER invoice_line_immutable ON invoice_line;
CREATE TRIGGER invoice_line_immutable BEFORE UPDATE OR DELETE ON invoice_line
  FOR EACH ROW EXECUTE FUNCTION invoice_line_immutable();

CREATE FUNCTION invoice_line_insert_check() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  offender uuid;
  state text;
BEGIN
  SELECT v.id, v.status INTO offender, state FROM inserted_lines l JOIN invoice v ON v.id = l.invoice_id
    WHERE v.status <> 'draft' LIMIT 1;
  IF offender IS NOT NULL THEN
    RAISE EXCEPTION 'the lines of invoice % (%) cannot change', offender, state USING ERRCODE = 'P0001';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER invoice_line_insert_check AFTER INSERT ON invoice_line
  REFERENCING NEW TABLE AS inserted_lines FOR EACH STATEMENT EXECUTE FUNCTION invoice_line_insert_check();
