"""Writes the test tables of issue 18 with a known structure (python3 make_tables.py; standard library only).

customers.csv   churn (yes/no) from a text category (country), a plan, age, spend and a signup date, with empty,
                NA and ? cells: churn is likelier for the 'basic' plan, in Brazil, and for low spend.
imbalanced.csv  a common class (91%) and three rare ones (3% each) inside it, in 4 numeric features: an unweighted
                network predicts "common" only, balanced class weights find the rare ones.
houses.csv      price = 1200 * area + 15000 * rooms + neighbourhood premium - 800 * age + noise, some cells empty.
stores.csv      a sale (yes/no) decided mostly by which of 40 stores (s0..s39) it is, more than --max-one-hot 20 so the
                column is embedded: half the stores sell to 90%, the others to 10%; visits add a weak signal.
"""
import math
import random


def write(name, header, rows):
    with open(name, "w", newline="") as f:
        f.write(",".join(header) + "\n")
        for r in rows:
            f.write(",".join(str(v) for v in r) + "\n")


def customers(rng, n=600):
    countries = ["USA", "Japan", "Germany", "Brazil", "India"]
    plans = ["basic", "pro", "enterprise"]
    rows = []
    for i in range(n):
        country = rng.choice(countries)
        plan = rng.choice(plans)
        age = rng.randint(18, 75)
        spend = round(rng.uniform(5, 120), 2)
        signup = "%04d-%02d-%02d" % (rng.randint(2015, 2024), rng.randint(1, 12), rng.randint(1, 28))
        z = -0.5 + (1.6 if plan == "basic" else -0.8 if plan == "enterprise" else 0) + (1.2 if country == "Brazil" else 0) \
            - 0.03 * (spend - 60) - 0.01 * (age - 45)
        churn = "yes" if rng.random() < 1 / (1 + math.exp(-z)) else "no"
        cells = [1000 + i, country, plan, age, spend, signup, churn]
        # Holes: empty country, NA age, ? spend, empty signup.
        if rng.random() < 0.06: cells[1] = ""
        if rng.random() < 0.08: cells[3] = "NA"
        if rng.random() < 0.05: cells[4] = "?"
        if rng.random() < 0.04: cells[5] = ""
        rows.append(cells)
    write("customers.csv", ["id", "country", "plan", "age", "monthly_spend", "signup", "churn"], rows)


def imbalanced(rng, n=2000):
    # A broad common class (sd 2) with three rare ones (3% each, sd 1) inside it: the posterior of a rare class stays
    # below the common one's everywhere, so a classifier that matches the class priors predicts "common" only (macro
    # F1 about 0.24 in the limit), while balanced class weights predict the rare ones where they are dense (about 0.39).
    shares = [("common", 0.91), ("rare_a", 0.03), ("rare_b", 0.03), ("rare_c", 0.03)]
    centres = {"common": (0, 0, 0, 0), "rare_a": (2, 0, 0, 0), "rare_b": (0, 2, 0, 0), "rare_c": (0, 0, 2, 0)}
    spread = {"common": 2.0, "rare_a": 1.0, "rare_b": 1.0, "rare_c": 1.0}
    rows = []
    for _ in range(n):
        u, acc, label = rng.random(), 0, shares[-1][0]
        for name, share in shares:
            acc += share
            if u < acc:
                label = name
                break
        rows.append([round(rng.gauss(m, spread[label]), 4) for m in centres[label]] + [label])
    write("imbalanced.csv", ["f1", "f2", "f3", "f4", "label"], rows)


def houses(rng, n=500):
    premium = {"centre": 60000, "suburb": 20000, "rural": -15000, "harbour": 45000}
    rows = []
    for _ in range(n):
        hood = rng.choice(list(premium))
        area = round(rng.uniform(35, 220), 1)
        rooms = rng.randint(1, 7)
        age = rng.randint(0, 80)
        price = round(1200 * area + 15000 * rooms + premium[hood] - 800 * age + rng.gauss(0, 12000))
        cells = [hood, area, rooms, age, price]
        if rng.random() < 0.05: cells[0] = ""
        if rng.random() < 0.05: cells[3] = ""
        rows.append(cells)
    write("houses.csv", ["neighbourhood", "area", "rooms", "age", "price"], rows)


def stores(rng, n=1200):
    good = set(rng.sample(range(40), 20))
    rows = []
    for _ in range(n):
        store = rng.randrange(40)
        visits = round(rng.gauss(0, 1), 3)
        p = (0.9 if store in good else 0.1) + 0.05 * max(-1, min(1, visits))
        rows.append(["s%d" % store, visits, "yes" if rng.random() < p else "no"])
    write("stores.csv", ["store", "visits", "sale"], rows)


if __name__ == "__main__":
    rng = random.Random(18)
    customers(rng)
    imbalanced(rng)
    houses(rng)
    stores(random.Random(40))  # its own generator, so the tables above stay as they were
