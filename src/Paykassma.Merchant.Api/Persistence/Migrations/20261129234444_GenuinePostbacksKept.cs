using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class GenuinePostbacksKept : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropCheckConstraint(
                name: "ck_postbacks_outcome",
                table: "postbacks");

            migrationBuilder.AddColumn<string>(
                name: "signed_sha256",
                table: "postbacks",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "transaction_id",
                table: "gateway_transactions",
                type: "character varying(190)",
                maxLength: 190,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(190)",
                oldMaxLength: 190);

            migrationBuilder.AddColumn<string>(
                name: "activated_text",
                table: "gateway_transactions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "gateway_created_text",
                table: "gateway_transactions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "item_sha256",
                table: "gateway_transactions",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "unapplied_reason",
                table: "gateway_transactions",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<Guid[]>(
                name: "credited_proof_ids",
                table: "deposits",
                type: "uuid[]",
                nullable: false,
                defaultValueSql: "'{}'::uuid[]");

            // What the new columns would have said of the rows already kept: why an unapplied item
            // credited nothing, and which proofs credited each confirmed deposit.
            migrationBuilder.Sql("""
                UPDATE gateway_transactions SET unapplied_reason = CASE
                    WHEN direction = 'outgoing' THEN 'no_matching_payout'
                    WHEN proof_id IS NULL THEN 'no_matching_proof'
                    WHEN amount IS NULL THEN 'amount_unreadable'
                    WHEN amount <= 0 THEN 'amount_not_positive'
                    ELSE 'currency_mismatch' END
                WHERE NOT applied;
                UPDATE deposits d SET credited_proof_ids = ARRAY(
                    SELECT DISTINCT g.proof_id FROM gateway_transactions g
                    WHERE g.deposit_id = d.id AND g.applied AND g.proof_id IS NOT NULL)
                WHERE d.confirmed_amount IS NOT NULL;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_postbacks_signed_sha256_no_items",
                table: "postbacks",
                column: "signed_sha256",
                filter: "transaction_count = 0");

            migrationBuilder.AddCheckConstraint(
                name: "ck_postbacks_outcome",
                table: "postbacks",
                sql: "outcome IN ('accepted', 'duplicate', 'rejected', 'held')");

            migrationBuilder.CreateIndex(
                name: "ix_gateway_transactions_unapplied_stored_at",
                table: "gateway_transactions",
                column: "stored_at",
                filter: "unapplied_reason IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ux_gateway_transactions_item_without_id",
                table: "gateway_transactions",
                columns: new[] { "direction", "item_sha256" },
                unique: true,
                filter: "transaction_id IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("UPDATE gateway_transactions SET transaction_id = 'sha256:' || left(item_sha256, 180) WHERE transaction_id IS NULL;");
            migrationBuilder.Sql("UPDATE postbacks SET outcome = 'rejected' WHERE outcome = 'held';");

            migrationBuilder.DropIndex(
                name: "ix_postbacks_signed_sha256_no_items",
                table: "postbacks");

            migrationBuilder.DropCheckConstraint(
                name: "ck_postbacks_outcome",
                table: "postbacks");

            migrationBuilder.DropIndex(
                name: "ix_gateway_transactions_unapplied_stored_at",
                table: "gateway_transactions");

            migrationBuilder.DropIndex(
                name: "ux_gateway_transactions_item_without_id",
                table: "gateway_transactions");

            migrationBuilder.DropColumn(
                name: "signed_sha256",
                table: "postbacks");

            migrationBuilder.DropColumn(
                name: "activated_text",
                table: "gateway_transactions");

            migrationBuilder.DropColumn(
                name: "gateway_created_text",
                table: "gateway_transactions");

            migrationBuilder.DropColumn(
                name: "item_sha256",
                table: "gateway_transactions");

            migrationBuilder.DropColumn(
                name: "unapplied_reason",
                table: "gateway_transactions");

            migrationBuilder.DropColumn(
                name: "credited_proof_ids",
                table: "deposits");

            migrationBuilder.AlterColumn<string>(
                name: "transaction_id",
                table: "gateway_transactions",
                type: "character varying(190)",
                maxLength: 190,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(190)",
                oldMaxLength: 190,
                oldNullable: true);

            migrationBuilder.AddCheckConstraint(
                name: "ck_postbacks_outcome",
                table: "postbacks",
                sql: "outcome IN ('accepted', 'duplicate', 'rejected')");
        }
    }
}
