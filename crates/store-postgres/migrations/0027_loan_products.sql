-- 小额信贷 and 富民贷 (DOMAIN §11): a loan's product as the policy names it (`[loans]`); NULL
-- when the ledger did not say, which is the policy's first product (脱贫人口小额信贷), as every
-- loan imported before this was.
ALTER TABLE loans ADD COLUMN product TEXT;
