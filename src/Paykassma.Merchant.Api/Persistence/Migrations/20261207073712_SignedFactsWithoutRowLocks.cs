using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class SignedFactsWithoutRowLocks : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_gateway_transactions_deposits_deposit_id",
                table: "gateway_transactions");

            migrationBuilder.DropForeignKey(
                name: "fk_gateway_transactions_payouts_payout_id",
                table: "gateway_transactions");

            migrationBuilder.DropForeignKey(
                name: "fk_gateway_transactions_proofs_proof_id",
                table: "gateway_transactions");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddForeignKey(
                name: "fk_gateway_transactions_deposits_deposit_id",
                table: "gateway_transactions",
                column: "deposit_id",
                principalTable: "deposits",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_gateway_transactions_payouts_payout_id",
                table: "gateway_transactions",
                column: "payout_id",
                principalTable: "payouts",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "fk_gateway_transactions_proofs_proof_id",
                table: "gateway_transactions",
                column: "proof_id",
                principalTable: "proofs",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }
    }
}
