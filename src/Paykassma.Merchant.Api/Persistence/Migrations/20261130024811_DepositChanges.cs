using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class DepositChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "deposit_changes",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.SerialColumn),
                    deposit_id = table.Column<Guid>(type: "uuid", nullable: false),
                    status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    confirmed_amount = table.Column<decimal>(type: "numeric(20,2)", nullable: true),
                    amount_mismatch = table.Column<bool>(type: "boolean", nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_deposit_changes", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_deposit_changes_at",
                table: "deposit_changes",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_deposit_changes_deposit_id_id",
                table: "deposit_changes",
                columns: new[] { "deposit_id", "id" });

            // ADR 0013: every change of a deposit's visible state is recorded and announced by the
            // transaction that makes it, whichever statement it is (EF Core or the one-statement SQL),
            // with no second round trip; a rolled-back change is neither recorded nor announced. The
            // NOTIFY is delivered at COMMIT. The payload is "<deposit id>:<change id>"; listeners read
            // the rows from the table, so the payload stays far below NOTIFY's 8000-byte limit.
            // UPDATE OF fires when a column is in the SET list even with its value unchanged: only a
            // real difference is a change.
            migrationBuilder.Sql("""
                CREATE FUNCTION deposit_changes_record() RETURNS trigger LANGUAGE plpgsql AS $$
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

                CREATE TRIGGER deposits_record_changes
                    AFTER INSERT OR UPDATE OF status, confirmed_amount, amount_mismatch ON deposits
                    FOR EACH ROW EXECUTE FUNCTION deposit_changes_record();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER deposits_record_changes ON deposits;
                DROP FUNCTION deposit_changes_record();
                """);

            migrationBuilder.DropTable(
                name: "deposit_changes");
        }
    }
}
