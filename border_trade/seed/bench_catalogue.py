"""The benchmark seed's forty exporters and their OCOP catalogue (every product group sold by someone)."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from ..auth.models import Organisation, OrganisationKind
from ..extensions import db
from ..gates.models import Province
from ..products.models import OcopGroup, Product

EXPORTERS = 40
BENCH_MARK = "[bench]"  # in the organisations' address: tells bench exporters apart from real ones

# (group, HS code, Vietnamese name, English name, unit, kg per unit, unit price in USD)
CATALOGUE = [
    (OcopGroup.FOOD, "08071900", "Dưa lưới", "Netted melon", "KGM", "1", "1.20"),
    (OcopGroup.FOOD, "08054000", "Bưởi da xanh", "Green-skin pomelo", "KGM", "1", "1.10"),
    (OcopGroup.FOOD, "08109094", "Mãng cầu ta", "Custard apple", "KGM", "1", "1.60"),
    (OcopGroup.FOOD, "08109092", "Thanh long ruột đỏ", "Red dragon fruit", "KGM", "1", "0.95"),
    (OcopGroup.FOOD, "08045021", "Xoài cát Hòa Lộc", "Hoa Loc mango", "KGM", "1", "1.80"),
    (OcopGroup.FOOD, "08134090", "Trái cây sấy dẻo", "Soft-dried fruit", "PCE", "0.25", "2.40"),
    (OcopGroup.FOOD, "19059070", "Bánh tráng phơi sương", "Dew-dried rice paper", "PCE", "0.5", "1.90"),
    (OcopGroup.FOOD, "21039029", "Muối tôm", "Shrimp salt", "PCE", "0.2", "1.30"),
    (OcopGroup.FOOD, "21039012", "Nước mắm truyền thống", "Traditional fish sauce", "PCE", "0.6", "3.10"),
    (OcopGroup.FOOD, "08013200", "Hạt điều rang muối", "Salted cashew nuts", "PCE", "0.5", "6.50"),
    (OcopGroup.FOOD, "10063070", "Gạo thơm", "Fragrant rice", "KGM", "1", "0.85"),
    (OcopGroup.BEVERAGE, "09012120", "Cà phê rang xay", "Ground roasted coffee", "PCE", "0.5", "5.20"),
    (OcopGroup.BEVERAGE, "09011130", "Cà phê nhân", "Green coffee beans", "KGM", "1", "4.10"),
    (OcopGroup.BEVERAGE, "09022010", "Trà xanh", "Green tea", "PCE", "0.2", "3.60"),
    (OcopGroup.HERBAL, "04090000", "Mật ong hoa cà phê", "Coffee-blossom honey", "PCE", "0.5", "4.80"),
    (OcopGroup.HERBAL, "09021010", "Trà thảo mộc", "Herbal tea", "PCE", "0.1", "2.90"),
    (OcopGroup.TEXTILE_GARMENT, "46021990", "Thảm cói dệt tay", "Hand-woven sedge mat", "PCE", "1.5", "7.50"),
    (OcopGroup.SOUVENIR_FURNITURE_DECORATION, "46021190", "Giỏ tre đan", "Woven bamboo basket", "PCE", "0.8", "3.40"),
    (OcopGroup.SOUVENIR_FURNITURE_DECORATION, "46021290", "Giỏ mây", "Rattan basket", "PCE", "0.9", "4.20"),
    (OcopGroup.SOUVENIR_FURNITURE_DECORATION, "94015300", "Ghế mây", "Rattan chair", "PCE", "6", "38.00"),
    (
        OcopGroup.RURAL_TOURISM_SERVICE,
        "46021990",
        "Bộ quà du lịch cộng đồng",
        "Community-tourism gift set",
        "SET",
        "1",
        "9.00",
    ),
]
EXPORTER_NAMES = (
    "Hợp tác xã Nông nghiệp {place}",
    "Công ty TNHH Nông sản {place}",
    "Hợp tác xã Dịch vụ {place}",
    "Công ty Cổ phần Thực phẩm {place}",
)
PLACES = (
    "Tân Châu", "Trảng Bàng", "Gò Dầu", "Bến Cầu", "Châu Thành", "Tân Biên", "Dương Minh Châu", "Hòa Thành",
    "Đức Hòa", "Thạnh Hóa", "Mộc Hóa", "Tân Hưng", "Vĩnh Hưng", "Tịnh Biên", "Tri Tôn", "Châu Đốc",
    "Hà Tiên", "Giang Thành", "Lộc Ninh", "Bù Đốp", "Tuy Đức", "Đắk Mil", "Hồng Ngự", "Tân Hồng",
)  # fmt: skip


def bench_exporters():
    """Return the bench exporters (created up to forty, one per place and name pattern) and how many were added."""
    existing = list(
        db.session.scalars(
            sa.select(Organisation).where(Organisation.address.like(f"%{BENCH_MARK}")).order_by(Organisation.id)
        )
    )
    provinces = list(
        db.session.scalars(sa.select(Province).where(Province.country_code == "VN", Province.valid_to.is_(None)))
    )
    added = 0
    while len(existing) < EXPORTERS:
        number = len(existing)
        place = PLACES[number % len(PLACES)]
        template = EXPORTER_NAMES[number % len(EXPORTER_NAMES)]
        province = provinces[number % len(provinces)]
        org = Organisation(
            name=f"{template.format(place=place)} {number + 1:02d}",
            kind=OrganisationKind.COOPERATIVE if "Hợp tác xã" in template else OrganisationKind.EXPORTER,
            country_code="VN",
            province=province,
            address=f"{place}, {province.name_vi} {BENCH_MARK}",
        )
        db.session.add(org)
        existing.append(org)
        added += 1
    db.session.flush()
    return existing, added


def bench_products(rng, exporters):
    """Return {organisation id: [(product, unit price in USD)]}, adding 3 to 6 products to exporters without any,
    and how many were added."""
    products, added = {}, 0
    for number, org in enumerate(exporters):
        have = list(
            db.session.scalars(sa.select(Product).where(Product.organisation_id == org.id).order_by(Product.id))
        )
        if not have:
            # every group is sold by someone; each exporter has 3 to 6 products
            picks = {CATALOGUE[number % len(CATALOGUE)]} | set(rng.sample(CATALOGUE, rng.randint(2, 5)))
            for group, hs, name_vi, name_en, unit, per_unit, _price in sorted(picks, key=lambda p: (p[1], p[2])):
                product = Product(
                    organisation=org,
                    name_vi=name_vi,
                    name_en=name_en,
                    hs_code=hs,
                    ocop_group=group,
                    ocop_stars=rng.choice((3, 3, 3, 4, 4, 5)),
                    ocop_certificate_no=f"{rng.randint(1, 300):03d}/QĐ-UBND",
                    ocop_certificate_expires_on=date(2027, rng.randint(1, 12), 1),
                    producer=org.name,
                    province_id=org.province_id,
                    unit=unit,
                    net_weight_per_unit_kg=Decimal(per_unit),
                )
                db.session.add(product)
                have.append(product)
                added += 1
        products[org.id] = have
    db.session.flush()
    prices = {(p[1], p[2]): Decimal(p[6]) for p in CATALOGUE}
    return {
        org_id: [(p, prices.get((p.hs_code, p.name_vi), Decimal("2.00"))) for p in items]
        for org_id, items in products.items()
    }, added


# Goods Viet Nam buys from Cambodia through the Tây Ninh gates, for the seeded imports: (HS code, Vietnamese,
# English and Khmer names, usual truck load in kg, illustrative price in USD per kg, relative share of inbound trucks).
# The goods are those the sources name (VNA/Viet Nam News, 28 Jun 2024, "Việt Nam-Cambodia look forward to $20
# billion trade": imports "driven by cashew nut, rubber, fruits and vegetables"; Cambodia's exports to Viet Nam
# "rice, rubber, cashews, cassava, corn, bananas, mangoes", Viet Nam's ambassador, 2024; cassava jams at Xa Mát,
# vietnamnews.vn, Dec 2025). Prices, loads and shares are ILLUSTRATIVE demo values, not statistics.
INBOUND_GOODS = [
    ("07141011", "Sắn lát khô", "Dried cassava chips", "ដំឡូងមីចិតស្ងួត", 30000, "0.24", 30),
    ("11081400", "Tinh bột sắn", "Cassava starch", "ម្សៅដំឡូងមី", 25000, "0.45", 8),
    ("08013100", "Hạt điều thô (chưa bóc vỏ)", "Raw cashew nuts, in shell", "គ្រាប់ស្វាយចន្ទីមិនទាន់បក", 20000, "1.20", 18),
    ("40012210", "Cao su tự nhiên TSNR 10", "Natural rubber TSNR 10", "កៅស៊ូធម្មជាតិ TSNR 10", 20000, "1.60", 14),
    ("10063099", "Gạo", "Milled rice", "អង្ករ", 25000, "0.55", 8),
    ("10059099", "Ngô hạt (thức ăn chăn nuôi)", "Maize for feed", "ពោតគ្រាប់", 25000, "0.25", 5),
    ("08045021", "Xoài tươi", "Fresh mangoes", "ស្វាយស្រស់", 15000, "0.50", 8),
    ("08039090", "Chuối tươi", "Fresh bananas", "ចេកស្រស់", 15000, "0.35", 5),
    ("08109010", "Nhãn tươi", "Fresh longans", "មៀនស្រស់", 12000, "0.80", 4),
]
# Share of trucks that come in from Cambodia in the seeded data. ILLUSTRATIVE, from the value split of the first half
# of 2024 (same VNA source): Viet Nam exported about USD 2.5 bn to Cambodia and imported about USD 2.9 bn, so
# imports were about 54 % of two-way trade; the seeds round this to about half of the trucks (by value the seeded
# imports weigh more than that: a truck load of rubber or cassava is worth more than one of OCOP goods).
IMPORT_SHARE = 0.5
# Cambodian sellers of the seeded imports (names written in Khmer as consignors write them, with their place)
CONSIGNORS = (
    ("ក្រុមហ៊ុន កសិផល កំពង់ចាម", "Kampong Cham", "K001-900112233"),
    ("ក្រុមហ៊ុន ស្វាយចន្ទី ត្បូងឃ្មុំ", "Suong, Tboung Khmum", "K002-900223344"),
    ("ក្រុមហ៊ុន កៅស៊ូ ក្រចេះ", "Kratie", "K003-900334455"),
    ("Svay Rieng Agro Trading Co., Ltd.", "Bavet, Svay Rieng", "K004-900445566"),
    ("ក្រុមហ៊ុន ដំឡូងមី បាត់ដំបង", "Battambang", "K005-900556677"),
)
