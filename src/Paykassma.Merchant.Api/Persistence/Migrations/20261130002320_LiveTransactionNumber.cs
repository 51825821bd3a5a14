using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class LiveTransactionNumber : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Until now one number could be live on several deposits. Which of those claims is the
            // genuine one is a money question for ops, so nothing is changed here: the migration
            // (one transaction) stops and says how to find them; see README, "Live transaction numbers".
            migrationBuilder.Sql("""
                DO $$
                DECLARE claimed_twice bigint;
                BEGIN
                    SELECT count(*) INTO claimed_twice FROM (
                        SELECT transaction_number FROM proofs WHERE status <> 'rejected'
                        GROUP BY transaction_number HAVING count(*) > 1) AS duplicates;
                    IF claimed_twice > 0 THEN
                        RAISE EXCEPTION 'LiveTransactionNumber: % transaction number(s) are held by more than one proof that is not rejected', claimed_twice
                            USING HINT = 'Find them with: SELECT transaction_number, array_agg(id ORDER BY created_at) FROM proofs WHERE status <> ''rejected'' GROUP BY transaction_number HAVING count(*) > 1; decide which claim is genuine and set the others to rejected (with a gateway_message saying why), then start the service again.';
                    END IF;
                END $$;
                """);

            migrationBuilder.DropIndex(
                name: "ux_proofs_live_transaction_number",
                table: "proofs");

            migrationBuilder.CreateIndex(
                name: "ux_proofs_live_transaction_number",
                table: "proofs",
                column: "transaction_number",
                unique: true,
                filter: "status <> 'rejected'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ux_proofs_live_transaction_number",
                table: "proofs");

            migrationBuilder.CreateIndex(
                name: "ux_proofs_live_transaction_number",
                table: "proofs",
                columns: new[] { "deposit_id", "transaction_number" },
                unique: true,
                filter: "status IN ('submitting', 'queued', 'forwarded')");
        }
    }
}
