namespace Paykassma.Merchant.Api.LiveStatus;

/// <summary>
/// The trigger function that records each change of a deposit's visible state in
/// <c>deposit_changes</c> and announces it while a stream watches the deposit (ADR 0018). The migration
/// that installs it (<c>DepositWatches</c>) applies this text, and <c>DepositChangesTriggerTests</c>
/// checks that the database runs exactly it. A change to it is made here and applied by a new
/// migration that runs <see cref="RecordFunction"/> again (CREATE OR REPLACE: a fresh database then
/// gets the same function from both).
/// </summary>
/// <remarks>
/// UPDATE OF fires when a column is in the SET list even with its value unchanged: only a real
/// difference is a change. NOTIFY makes every committing transaction that sent one take a
/// database-wide lock until its commit is flushed, so only a watched deposit's change is announced;
/// listeners read the rows from the table, so the payload stays far below NOTIFY's 8000-byte limit.
/// </remarks>
internal static class DepositChangesTrigger
{
    public const string RecordFunction = """
        CREATE OR REPLACE FUNCTION deposit_changes_record() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            change_id bigint;
        BEGIN
            IF TG_OP = 'UPDATE'
               AND NEW.status IS NOT DISTINCT FROM OLD.status
               AND NEW.confirmed_amount IS NOT DISTINCT FROM OLD.confirmed_amount
               AND NEW.amount_mismatch IS NOT DISTINCT FROM OLD.amount_mismatch THEN
                RETURN NULL;
            END IF;
            INSERT INTO deposit_changes (deposit_id, status, confirmed_amount, amount_mismatch, at)
            VALUES (NEW.id, NEW.status, NEW.confirmed_amount, NEW.amount_mismatch, NEW.updated_at)
            RETURNING id INTO change_id;
            IF EXISTS (SELECT 1 FROM deposit_watches w WHERE w.deposit_id = NEW.id AND w.expires_at > now()) THEN
                PERFORM pg_notify('deposit_changes', NEW.id::text || ':' || change_id::text);
            END IF;
            RETURN NULL;
        END
        $$;
        """;
}
