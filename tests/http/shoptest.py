"""shoptest — the village set-up the points-shop tests share (t_shop,
t_funds, t_yearend, t_shop_race): households with points from an approved
sheet, and a catalog."""
import os

import jifentest as J
from jifentest import cli_ok

CATALOG = ("code,name,kind,points,stock,unit_cost,active\n"
           "RICE,大米 5 斤,goods,30,10,12.50,yes\n"
           "OIL,食用油,物品,50,1,45,是\n"
           "HAIR,理发,service,10,,0,yes\n"
           "OFF,下架商品,goods,5,3,1,no\n")


def write(db, name, text):
    path = os.path.join(db.dir, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def score(db, village, month, points, veto=()):
    """Approve village's sheet of month giving each household of points
    {code: n} n points (HJ05 is worth 10, CW01 2: n must be even), and
    scoring the veto item ZF03 (-30) for the households of veto."""
    lines = ["household,item,quantity,date,note"]
    for code, n in points.items():
        tens, rest = divmod(n, 10)
        if tens:
            lines.append(f"{code},HJ05,{tens},{month}-10,")
        if rest:
            lines.append(f"{code},CW01,{rest // 2},{month}-11,")
    for code in veto:
        lines.append(f"{code},ZF03,1,{month}-12,参与黄赌毒")
    path = write(db, f"e-{village}-{month}.csv", "\n".join(lines) + "\n")
    cli_ok(db, "import", "entries", "--village", village, "--month", month, path)
    cli_ok(db, "sheet", "approve", "--village", village, "--month", month,
           "--meeting-date", f"{month}-28", "--attendees", "村两委", "--resolution", "同意")


def shop_village(db, households=("H1", "H2", "H3"), accounts=True, points=None):
    """The town (accounts of every role when asked), V1 with the sample
    standard, households, points (default 100 each, from 2024-06) and the
    catalog above."""
    if accounts:
        J.town(db)
    else:
        cli_ok(db, "init")
        cli_ok(db, "village", "add", "V1", "V1村")
        cli_ok(db, "village", "add", "V2", "V2村")
    J.standard_and_households(db, "V1", list(households))
    score(db, "V1", "2024-06", points or {h: 100 for h in households})
    cli_ok(db, "import", "catalog", "--village", "V1", write(db, "cat.csv", CATALOG))


def balance(db, village, code):
    out = cli_ok(db, "balances", "--village", village)
    for line in out.splitlines()[1:]:
        f = line.split(",")
        if f[0] == code:
            return int(f[2])
    raise J.Failure(f"no balance row for {code}")
