// What the merchant's frontend does with this API, written only against the types that
// openapi-typescript generates from /openapi/v1.json (./merchant-api, not committed: ContractTests
// generates it from the running service, `npm run generate` from a saved document), through
// openapi-fetch, the usual client for them. ContractTests compiles this file with tsc --strict: a
// renamed field, a dropped status or a changed type in the contract is a compile error here first.
// Each function is one call of the frontend: start a deposit (or one paid in the gateway's window),
// upload its proof, read it, list them.
import createClient from "openapi-fetch";
import type { components, paths } from "./merchant-api";

type Schemas = components["schemas"];
export type Deposit = Schemas["DepositResponse"];
export type DepositStatus = Schemas["DepositStatus"];
export type Proof = Schemas["ProofResponse"];
export type Problem = Schemas["Problem"];

export type MerchantApi = ReturnType<typeof merchantApi>;

export function merchantApi(baseUrl: string, userToken: string) {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${userToken}` } });
}

/** What the payment page shows: where to transfer the money, and how much. */
export interface PaymentInstructions {
  depositId: string;
  status: DepositStatus;
  walletNumber: string | null;
  accountName: string | null;
  bankName: string | null;
  amount: number | null;
  currency: string;
}

/** A failed call as the page handles it: a message for the user and, for support, the trace id. */
export interface Failure {
  status: number;
  message: string;
  retryAfterSeconds: number | null;
  fieldErrors: Record<string, string[]>;
  traceId: string;
}

function failure(problem: Problem, response: Response): Failure {
  const retryAfter = response.headers.get("Retry-After");
  // Branch on the stable type, never on the wording of the title.
  const message = problem.type.endsWith("/gateway-refused") || problem.type.endsWith("/proof-rejected")
    ? problem.gatewayMessage ?? problem.title
    : problem.detail ?? problem.title;
  return {
    status: problem.status,
    message,
    retryAfterSeconds: retryAfter === null ? null : Number(retryAfter),
    fieldErrors: problem.errors ?? {},
    traceId: problem.traceId,
  };
}

/** POST /api/deposits: the requisites to pay to; a retry with the same key answers the same deposit. */
export async function startDeposit(api: MerchantApi, amount: number | null, idempotencyKey: string): Promise<PaymentInstructions | Failure> {
  const { data, error, response } = await api.POST("/api/deposits", {
    params: { header: { "Idempotency-Key": idempotencyKey } },
    body: { amount },
  });
  if (error !== undefined) {
    return failure(error, response);
  }
  const replayed: boolean = response.headers.get("Idempotent-Replayed") === "true";
  void replayed;
  return instructions(data);
}

/** POST /api/deposits/window: the gateway's payment window to show (an iframe, as the gateway's pages do). */
export async function startWindowDeposit(
  api: MerchantApi, amount: number | null, lang: string, idempotencyKey: string,
): Promise<{ depositId: string; windowUrl: string } | Failure> {
  const { data, error, response } = await api.POST("/api/deposits/window", {
    params: { header: { "Idempotency-Key": idempotencyKey } },
    body: { amount, lang },
  });
  if (error !== undefined) {
    return failure(error, response);
  }
  return { depositId: data.deposit.id, windowUrl: data.windowUrl };
}

// The gateway's other requisites are free-form JSON by name: readable values, not `never`
// (a bare object schema generates Record<string, never>, which compiles anywhere and holds nothing).
type IsNever<T> = [T] extends [never] ? true : false;
const otherParamsAreReadable: IsNever<Deposit["requisites"]["otherParams"][string]> = false;
void otherParamsAreReadable;

function instructions(deposit: Deposit): PaymentInstructions {
  const bankName = deposit.requisites.otherParams["Bank name"];
  return {
    depositId: deposit.id,
    status: deposit.status,
    walletNumber: deposit.requisites.walletNumber,
    accountName: deposit.requisites.accountName,
    bankName: typeof bankName === "string" ? bankName : null,
    amount: deposit.amount,
    currency: deposit.currency,
  };
}

/** The multipart fields of a proof upload, by the names the contract gives them. */
type ProofField = keyof Schemas["ProofForm"];

/** POST /api/deposits/{id}/proof: the transaction number and amount the user typed, and the screenshot. */
export async function uploadProof(
  api: MerchantApi, depositId: string, transactionNumber: string, amount: number, screenshot: File, idempotencyKey: string,
): Promise<Proof | Failure> {
  // The generated type calls the file a string (format: binary); the browser sends a File.
  const fields: Record<ProofField, string | Blob> = { transactionNumber, amount: String(amount), screenshot };
  const { data, error, response } = await api.POST("/api/deposits/{id}/proof", {
    params: { path: { id: depositId }, header: { "Idempotency-Key": idempotencyKey } },
    body: { transactionNumber, amount: String(amount), screenshot: screenshot.name },
    bodySerializer: () => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) {
        form.append(name, value);
      }
      return form;
    },
  });
  if (error !== undefined) {
    // 422 proof-rejected carries the refused proof: the page shows it and lets the user try again.
    if (error.proof !== undefined) {
      return error.proof;
    }
    return failure(error, response);
  }
  return data;
}

/** GET /api/deposits/{id}: what the status page polls until the deposit is confirmed. */
export async function depositStatus(api: MerchantApi, depositId: string): Promise<string | Failure> {
  const { data, error, response } = await api.GET("/api/deposits/{id}", { params: { path: { id: depositId } } });
  if (error !== undefined) {
    return failure(error, response);
  }
  const proofs: Proof[] = data.proofs;
  const lastProof = proofs.at(-1);
  switch (data.status) {
    case "confirmed":
      return `Confirmed: ${data.confirmedAmount ?? data.amount ?? 0} ${data.currency}` + (data.amountMismatch ? " (another amount than expected)" : "");
    case "expired":
      return data.confirmedAfterExpiry ? "Confirmed after it expired" : `Expired at ${data.expiredAt ?? "?"}`;
    case "awaiting_payment":
      return lastProof === undefined ? "Waiting for your transfer" : `Proof ${lastProof.transactionNumber}: ${lastProof.status}`;
    default:
      return data.status;
  }
}

/** GET /api/deposits?page=&pageSize=: the user's deposits, newest first, a page at a time. */
export async function depositHistory(api: MerchantApi, page: number): Promise<{ rows: PaymentInstructions[]; pages: number } | Failure> {
  const pageSize = 20;
  const { data, error, response } = await api.GET("/api/deposits", { params: { query: { page, pageSize } } });
  if (error !== undefined) {
    return failure(error, response);
  }
  return { rows: data.items.map(instructions), pages: Math.ceil(data.total / data.pageSize) };
}
