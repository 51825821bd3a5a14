using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Paykassma.Merchant.Api.Persistence.Migrations
{
    /// <inheritdoc />
    public partial class ProofsByDeposit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "ix_proofs_deposit_id_created_at",
                table: "proofs",
                columns: new[] { "deposit_id", "created_at" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_proofs_deposit_id_created_at",
                table: "proofs");
        }
    }
}
