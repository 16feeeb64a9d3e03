-- 012-shop: 一年一兑换 and 资金来源 — the village settings of the shop and
-- the year end, the points shop's catalog (积分超市) with its stock
-- movements, the town's recommended catalog, redemptions (兑换), the funds
-- (资金) by source, and the year-end runs.  Same subset and conventions as
-- 001-base.sql: money is integer fen (分), never floating point.

-- Village settings (INTERFACES.md "Village settings"; village_setting.c).
--   redemption_window  'always' or 'MM-DD..MM-DD' (may wrap the new year)
--   point_value_fen    what one point is worth, in fen (default 0.10 yuan)
--   stars              'none' or ascending year-point thresholds '60,80,100'
--   reservation_hours  how long a reservation holds points and stock
--   supervision_phone  监督电话 shown on the catalog and announcements
ALTER TABLE village ADD COLUMN redemption_window TEXT NOT NULL DEFAULT 'always';
ALTER TABLE village ADD COLUMN point_value_fen BIGINT NOT NULL DEFAULT 10 CHECK (point_value_fen >= 0);
ALTER TABLE village ADD COLUMN stars TEXT NOT NULL DEFAULT 'none';
ALTER TABLE village ADD COLUMN reservation_hours INTEGER NOT NULL DEFAULT 48 CHECK (reservation_hours BETWEEN 1 AND 720);
ALTER TABLE village ADD COLUMN supervision_phone TEXT NOT NULL DEFAULT '';

-- One item of a village's catalog, by code.  stock is the stock on hand:
-- always the sum of the item's shop_stock_move rows, kept in the same
-- transaction (`jifen verify` checks it); unlimited items (services) keep
-- no stock.  low_stock: warn when stock is at or below it (0: never).
CREATE TABLE shop_item(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  code TEXT NOT NULL,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('goods', 'service')),
  points BIGINT NOT NULL CHECK (points > 0),
  unlimited INTEGER NOT NULL DEFAULT 0 CHECK (unlimited IN (0,1)),
  stock BIGINT NOT NULL DEFAULT 0 CHECK (stock >= 0),
  unit_cost_fen BIGINT NOT NULL DEFAULT 0 CHECK (unit_cost_fen >= 0),
  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0,1)),
  low_stock BIGINT NOT NULL DEFAULT 0 CHECK (low_stock >= 0),
  photo TEXT,                             -- evidence hash (002-ledger evidence) or NULL
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (village_id, code)
);

-- Stock changes, append-only: a catalog import or count ('import'), a
-- handout ('redemption', negative) and its reversal ('reversal').
CREATE TABLE shop_stock_move(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  item_id BIGINT NOT NULL REFERENCES shop_item(id),
  quantity BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('import', 'redemption', 'reversal')),
  redemption_id BIGINT,
  note TEXT NOT NULL DEFAULT '',
  recorded_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX shop_stock_move_item ON shop_stock_move(item_id, id);
--@append_only shop_stock_move

-- The town's recommended catalog (推荐目录), which villages copy from.
CREATE TABLE town_item(
  id @ID@,
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('goods', 'service')),
  points BIGINT NOT NULL CHECK (points > 0),
  unit_cost_fen BIGINT NOT NULL DEFAULT 0 CHECK (unit_cost_fen >= 0),
  created_at BIGINT NOT NULL
);

-- A redemption (兑换): reserved (points and stock held until expires_at),
-- then handed out (ledger_entry_id: its 'redemption' entry), cancelled,
-- expired, or — after the handout — reversed by a linked entry
-- (reversal_entry_id) with a reason.  Never deleted.
CREATE TABLE redemption(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  household_id BIGINT NOT NULL REFERENCES household(id),
  item_id BIGINT NOT NULL REFERENCES shop_item(id),
  quantity BIGINT NOT NULL CHECK (quantity >= 1),
  points BIGINT NOT NULL CHECK (points > 0),  -- item points x quantity
  status TEXT NOT NULL DEFAULT 'reserved'
    CHECK (status IN ('reserved', 'handed_out', 'cancelled', 'expired', 'reversed')),
  reserved_by TEXT NOT NULL,
  reserved_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  date TEXT,                              -- YYYY-MM-DD of the handout
  handed_by TEXT,
  handed_at BIGINT,
  delivered_by TEXT NOT NULL DEFAULT '',  -- 送货上门: who took it to the door
  ledger_entry_id BIGINT,
  closed_by TEXT,                         -- cancelled / expired / reversed by
  closed_at BIGINT,
  reason TEXT NOT NULL DEFAULT '',
  reversal_entry_id BIGINT
);
CREATE INDEX redemption_household ON redemption(household_id, status);
CREATE INDEX redemption_item ON redemption(item_id, status);
CREATE INDEX redemption_village ON redemption(village_id, id);
--@no_delete redemption

-- Money by source, append-only: income and spending in fen; a reversal
-- has the negative amount of the movement it reverses (reversal_of) in
-- the same flow.  fund_balance keeps each source's sums in the same
-- transaction (`jifen verify` checks them).
CREATE TABLE fund_move(
  id @ID@,
  village_id BIGINT NOT NULL REFERENCES village(id),
  source TEXT NOT NULL CHECK (source IN ('self_raised', 'higher_level', 'incentive', 'donation')),
  flow TEXT NOT NULL CHECK (flow IN ('income', 'spent')),
  amount_fen BIGINT NOT NULL,
  date TEXT NOT NULL,
  donor TEXT NOT NULL DEFAULT '',
  note TEXT NOT NULL DEFAULT '',
  reversal_of BIGINT REFERENCES fund_move(id),
  recorded_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX fund_move_village ON fund_move(village_id, date, id);
--@append_only fund_move

CREATE TABLE fund_balance(
  village_id BIGINT NOT NULL REFERENCES village(id),
  source TEXT NOT NULL,
  income_fen BIGINT NOT NULL DEFAULT 0,
  spent_fen BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (village_id, source)
);

-- One applied year end per village and year (the rule as applied, for
-- the page); running it again posts nothing and adds no row.
CREATE TABLE yearend_run(
  village_id BIGINT NOT NULL REFERENCES village(id),
  year INTEGER NOT NULL,
  rule TEXT NOT NULL,
  households BIGINT NOT NULL,
  points BIGINT NOT NULL,
  run_by TEXT NOT NULL,
  run_at BIGINT NOT NULL,
  PRIMARY KEY (village_id, year)
);
