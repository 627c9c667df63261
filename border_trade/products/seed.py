"""The demo's OCOP register (issue 19): a seeded product's recognition decision, its level and authority, its group."""

from .ocop import DecisionLevel, OcopProductGroup, allowed_levels, expiry_of

# who decided the demo's recognitions: illustrative names of the deciding committees
DEMO_AUTHORITIES = {
    DecisionLevel.DISTRICT: "UBND huyện Tân Châu",
    DecisionLevel.PROVINCE: "UBND tỉnh Tây Ninh",
    DecisionLevel.CENTRAL: "Bộ Nông nghiệp và Môi trường",
}


def record_demo_decision(product, decision_on, group=OcopProductGroup.FOOD):
    """Give a seeded OCOP product its decision (the level its stars had on that date) and the derived expiry."""
    product.ocop_decision_on = decision_on
    product.ocop_certificate_expires_on = expiry_of(decision_on)
    product.ocop_decision_level = allowed_levels(product.ocop_stars, decision_on)[0]
    product.ocop_decision_authority = DEMO_AUTHORITIES[product.ocop_decision_level]
    product.ocop_product_group = group
    return product
