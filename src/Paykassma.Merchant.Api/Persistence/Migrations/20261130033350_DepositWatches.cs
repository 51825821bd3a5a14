using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DepositWatches : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // ADR 0018 (superseding 0013): NOTIFY makes every committing transaction that sent one take a
            // database-wide lock until its commit is flushed, so concurrent postbacks committed one at a
            // time (8 connections: 560 -> 228 postbacks/s). A change is still recorded by its transaction,
            // but announced only when some stream watches its deposit (a row here, per open stream,
            // refreshed by its heartbeat): postbacks for deposits nobody is looking at never notify.
            migrationBuilder.Sql("""
                CREATE TABLE deposit_watches (
                    deposit_id uuid NOT NULL,
                    stream_id uuid NOT NULL,
                    expires_at timestamptz NOT NULL,
                    CONSTRAINT pk_deposit_watches PRIMARY KEY (deposit_id, stream_id)
                );
                CREATE INDEX ix_deposit_watches_expires_at ON deposit_watches (expires_at);
                """);
            // The function itself is kept in a file of its own, which the tests check the database against.
            migrationBuilder.Sql(LiveStatus.DepositChangesTrigger.RecordFunction);

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
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
                    PERFORM pg_notify('deposit_changes', NEW.id::text || ':' || change_id::text);
                    RETURN NULL;
                END
                $$;
                DROP TABLE deposit_watches;
                """);

        }
    }
}
