"""The campaigns list's page, sort and search in its address."""

from sms_hub.domain.paging import CampaignSort, ListPlace


def test_the_default_list_is_the_bare_address():
    assert ListPlace().address() == "/"
    assert ListPlace.from_query({}) is None


def test_a_place_round_trips_through_its_address():
    place = ListPlace(
        page=2, sort=CampaignSort.NAME, descending=False, search="porte ouverte"
    )
    assert place.address() == "/?page=2&tri=nom&ordre=asc&recherche=porte+ouverte"
    query = {"page": "2", "tri": "nom", "ordre": "asc", "recherche": "porte ouverte"}
    assert ListPlace.from_query(query) == place


def test_odd_values_fall_back_to_the_defaults():
    place = ListPlace.from_query({"page": "-3", "tri": "drop table", "ordre": "x"})
    assert place == ListPlace()
    assert ListPlace.from_query({"tri": "destinataires"}) == ListPlace(
        sort=CampaignSort.RECIPIENTS, descending=True
    )
